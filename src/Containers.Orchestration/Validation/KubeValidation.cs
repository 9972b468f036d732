using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Validation;

/// <summary>
/// Kubernetes' validation of the built-in kinds, with its field paths and wording
/// (<c>spec.template.spec.containers[0].image: Required value</c>). The API server runs it after
/// <see cref="KubeDefaults"/>; run on a manifest as written, unset fields count as their defaults.
/// </summary>
public static class KubeValidation
{
    /// <summary>Everything wrong with <paramref name="obj"/> as a new object; empty when it is valid.</summary>
    public static IReadOnlyList<FieldError> Validate(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new ValidationErrors();
        var meta = FieldPath.Root("metadata");
        var spec = FieldPath.Root("spec");
        switch (obj)
        {
            case Namespace ns:
                MetadataValidation.ObjectMeta(ns.Metadata, namespaced: false, KubeNames.ValidateDns1123Label, meta, errors);
                CoreValidation.Namespace(ns, errors);
                break;
            case Pod pod:
                MetadataValidation.ObjectMeta(pod.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                PodValidation.PodSpec(pod.Spec, spec, errors);
                break;
            case Node node:
                MetadataValidation.ObjectMeta(node.Metadata, namespaced: false, KubeNames.ValidateDns1123Subdomain, meta, errors);
                CoreValidation.Node(node, errors);
                break;
            case ConfigMap cm:
                MetadataValidation.ObjectMeta(cm.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                CoreValidation.ConfigMap(cm, errors);
                break;
            case Secret secret:
                MetadataValidation.ObjectMeta(secret.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                CoreValidation.Secret(secret, errors);
                break;
            case Service svc:
                MetadataValidation.ObjectMeta(svc.Metadata, namespaced: true, KubeNames.ValidateDns1035Label, meta, errors);
                CoreValidation.Service(svc, spec, errors);
                break;
            case PersistentVolumeClaim pvc:
                MetadataValidation.ObjectMeta(pvc.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                CoreValidation.ClaimSpec(pvc.Spec, spec, errors);
                break;
            case ServiceAccount sa:
                MetadataValidation.ObjectMeta(sa.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                break;
            case ReplicaSet rs:
                MetadataValidation.ObjectMeta(rs.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                WorkloadValidation.ReplicaSet(rs, spec, errors);
                break;
            case Deployment d:
                MetadataValidation.ObjectMeta(d.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                WorkloadValidation.Deployment(d, spec, errors);
                break;
            case StatefulSet sts:
                MetadataValidation.ObjectMeta(sts.Metadata, namespaced: true, KubeNames.ValidateDns1123Label, meta, errors);
                WorkloadValidation.StatefulSet(sts, spec, errors);
                break;
            case DaemonSet ds:
                MetadataValidation.ObjectMeta(ds.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                WorkloadValidation.DaemonSet(ds, spec, errors);
                break;
            case ControllerRevision cr:
                MetadataValidation.ObjectMeta(cr.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                errors.NonNegative(FieldPath.Root("revision"), cr.Revision);
                break;
            case Job job:
                MetadataValidation.ObjectMeta(job.Metadata, namespaced: true, KubeNames.ValidateDns1123Subdomain, meta, errors);
                WorkloadValidation.JobSpec(job.Spec, spec, errors);
                break;
            case CronJob cj:
                MetadataValidation.ObjectMeta(cj.Metadata, namespaced: true, CronJobName, meta, errors);
                WorkloadValidation.CronJob(cj, spec, errors);
                break;
            case HorizontalPodAutoscaler hpa:
                MetadataValidation.ObjectMeta(hpa.Metadata, namespaced: true, KubeNames.ValidatePathSegmentName, meta, errors);
                AutoscalingValidation.Hpa(hpa, spec, errors);
                break;
            case Role role:
                MetadataValidation.ObjectMeta(role.Metadata, namespaced: true, KubeNames.ValidatePathSegmentName, meta, errors);
                RbacValidation.Rules(role.Rules, namespaced: true, FieldPath.Root("rules"), errors);
                break;
            case ClusterRole clusterRole:
                MetadataValidation.ObjectMeta(clusterRole.Metadata, namespaced: false, KubeNames.ValidatePathSegmentName, meta, errors);
                RbacValidation.Rules(clusterRole.Rules, namespaced: false, FieldPath.Root("rules"), errors);
                for (var i = 0; i < (clusterRole.AggregationRule?.ClusterRoleSelectors.Count ?? 0); i++)
                {
                    MetadataValidation.LabelSelector(clusterRole.AggregationRule!.ClusterRoleSelectors[i], FieldPath.Root("aggregationRule").Child("clusterRoleSelectors").Index(i), errors);
                }

                break;
            case RoleBinding binding:
                MetadataValidation.ObjectMeta(binding.Metadata, namespaced: true, KubeNames.ValidatePathSegmentName, meta, errors);
                RbacValidation.Binding(binding.RoleRef, binding.Subjects, namespaced: true, errors);
                break;
            case ClusterRoleBinding clusterBinding:
                MetadataValidation.ObjectMeta(clusterBinding.Metadata, namespaced: false, KubeNames.ValidatePathSegmentName, meta, errors);
                RbacValidation.Binding(clusterBinding.RoleRef, clusterBinding.Subjects, namespaced: false, errors);
                break;
            default:
                // A kind registered by a user: its metadata is all this layer knows.
                MetadataValidation.ObjectMeta(obj.Metadata, namespaced: obj.Namespace is not null, KubeNames.ValidateDns1123Subdomain, meta, errors);
                break;
        }

        return errors;
    }

    /// <summary>
    /// Everything wrong with changing <paramref name="old"/> into <paramref name="updated"/>: the new
    /// object's own errors, and changes to fields Kubernetes keeps immutable.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(KubeObject old, KubeObject updated)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(updated);
        var errors = new ValidationErrors();
        errors.AddRange(Validate(updated));
        UpdateValidation.Check(old, updated, errors);
        return errors;
    }

    /// <summary>Throws when <paramref name="obj"/> is invalid.</summary>
    /// <exception cref="InvalidObjectException">With every field error, in Kubernetes' words.</exception>
    public static void ThrowIfInvalid(KubeObject obj) => Throw(obj, Validate(obj));

    /// <exception cref="InvalidObjectException">With every field error, in Kubernetes' words.</exception>
    public static void ThrowIfInvalidUpdate(KubeObject old, KubeObject updated) => Throw(updated, ValidateUpdate(old, updated));

    private static void Throw(KubeObject obj, IReadOnlyList<FieldError> errors)
    {
        if (errors.Count > 0)
        {
            var group = obj.TypeMeta.Group;
            throw new InvalidObjectException(obj.Kind, group, string.IsNullOrEmpty(obj.Metadata.Name) ? obj.Metadata.GenerateName ?? string.Empty : obj.Name, errors);
        }
    }

    private static IReadOnlyList<string> CronJobName(string name)
    {
        var errors = new List<string>(KubeNames.ValidateDns1123Subdomain(name));
        if (name.Length > 52)
        {
            errors.Add("must be no more than 52 characters");
        }

        return errors;
    }
}
