using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Validation;

/// <summary>The fields Kubernetes does not let an update change.</summary>
internal static class UpdateValidation
{
    private const string Immutable = "field is immutable";

    public static void Check(KubeObject old, KubeObject updated, ValidationErrors errors)
    {
        var meta = FieldPath.Root("metadata");
        if (old.Name != updated.Name)
        {
            errors.Invalid(meta.Child("name"), updated.Name, Immutable);
        }

        if (old.Namespace != updated.Namespace)
        {
            errors.Invalid(meta.Child("namespace"), updated.Namespace, Immutable);
        }

        if (!string.IsNullOrEmpty(updated.Metadata.Uid) && updated.Metadata.Uid != old.Metadata.Uid)
        {
            errors.Invalid(meta.Child("uid"), updated.Metadata.Uid, Immutable);
        }

        var spec = FieldPath.Root("spec");
        switch ((old, updated))
        {
            case (Deployment o, Deployment n):
                Selector(o.Spec.Selector, n.Spec.Selector, spec, errors);
                break;
            case (ReplicaSet o, ReplicaSet n):
                Selector(o.Spec.Selector, n.Spec.Selector, spec, errors);
                break;
            case (DaemonSet o, DaemonSet n):
                Selector(o.Spec.Selector, n.Spec.Selector, spec, errors);
                break;
            case (StatefulSet o, StatefulSet n):
                var fixedOld = o.Spec with { Replicas = null, Ordinals = null, Template = new(), UpdateStrategy = new(), PersistentVolumeClaimRetentionPolicy = null, MinReadySeconds = null };
                var fixedNew = n.Spec with { Replicas = null, Ordinals = null, Template = new(), UpdateStrategy = new(), PersistentVolumeClaimRetentionPolicy = null, MinReadySeconds = null };
                if (!KubeJson.SemanticEquals(fixedOld, fixedNew))
                {
                    errors.Forbidden(spec, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
                }

                break;
            case (Job o, Job n):
                Selector(o.Spec.Selector, n.Spec.Selector, spec, errors);
                if (o.Spec.CompletionMode != n.Spec.CompletionMode)
                {
                    errors.Invalid(spec.Child("completionMode"), n.Spec.CompletionMode, Immutable);
                }

                if (o.Spec.Suspend != true && !KubeJson.SemanticEquals(o.Spec.Template, n.Spec.Template))
                {
                    errors.Invalid(spec.Child("template"), null, Immutable);
                }

                break;
            case (RoleBinding o, RoleBinding n) when !KubeJson.SemanticEquals(o.RoleRef, n.RoleRef):
                errors.Invalid(FieldPath.Root("roleRef"), $"{n.RoleRef.Kind}/{n.RoleRef.Name}", "cannot change roleRef");
                break;
            case (ClusterRoleBinding o, ClusterRoleBinding n) when !KubeJson.SemanticEquals(o.RoleRef, n.RoleRef):
                errors.Invalid(FieldPath.Root("roleRef"), $"{n.RoleRef.Kind}/{n.RoleRef.Name}", "cannot change roleRef");
                break;
            case (ConfigMap o, ConfigMap n) when o.Immutable == true:
                if (n.Immutable != true)
                {
                    errors.Forbidden(FieldPath.Root("immutable"), "field is immutable when `immutable` is set");
                }

                if (!KubeJson.SemanticEquals(o with { Metadata = new() }, n with { Metadata = new() }))
                {
                    errors.Forbidden(FieldPath.Root("data"), "field is immutable when `immutable` is set");
                }

                break;
            case (Secret o, Secret n):
                if ((o.Type ?? "Opaque") != (n.Type ?? "Opaque"))
                {
                    errors.Invalid(FieldPath.Root("type"), n.Type, Immutable);
                }

                if (o.Immutable == true && !KubeJson.SemanticEquals(o with { Metadata = new(), StringData = n.StringData }, n with { Metadata = new() }))
                {
                    errors.Forbidden(FieldPath.Root("data"), "field is immutable when `immutable` is set");
                }

                break;
            case (Service o, Service n):
                if (!string.IsNullOrEmpty(o.Spec.ClusterIP) && !string.IsNullOrEmpty(n.Spec.ClusterIP) && o.Spec.ClusterIP != n.Spec.ClusterIP)
                {
                    errors.Invalid(spec.Child("clusterIP"), n.Spec.ClusterIP, Immutable);
                }

                break;
            case (PersistentVolumeClaim o, PersistentVolumeClaim n):
                var oldClaim = o.Spec with { Resources = new(), VolumeName = null, VolumeAttributesClassName = null };
                var newClaim = n.Spec with { Resources = new(), VolumeName = null, VolumeAttributesClassName = null };
                if (!KubeJson.SemanticEquals(oldClaim, newClaim))
                {
                    errors.Forbidden(spec, "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
                }

                break;
            case (Pod o, Pod n):
                // Updates may change images, activeDeadlineSeconds, add tolerations, remove scheduling gates, and bind (nodeName from empty).
                if (n.Spec.SchedulingGates.FirstOrDefault(g => !o.Spec.SchedulingGates.Contains(g)) is { } added)
                {
                    errors.Forbidden(spec.Child("schedulingGates"), $"only deletion is allowed, but found new scheduling gate '{added.Name}'");
                }

                var normalized = o.Spec with
                {
                    SchedulingGates = n.Spec.SchedulingGates,
                    Containers = [.. o.Spec.Containers.Select((c, i) => i < n.Spec.Containers.Count ? c with { Image = n.Spec.Containers[i].Image } : c)],
                    InitContainers = [.. o.Spec.InitContainers.Select((c, i) => i < n.Spec.InitContainers.Count ? c with { Image = n.Spec.InitContainers[i].Image } : c)],
                    ActiveDeadlineSeconds = n.Spec.ActiveDeadlineSeconds,
                    Tolerations = n.Spec.Tolerations,
                    NodeName = string.IsNullOrEmpty(o.Spec.NodeName) ? n.Spec.NodeName : o.Spec.NodeName,
                };
                if (!KubeJson.SemanticEquals(normalized, n.Spec))
                {
                    errors.Forbidden(spec, "pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations)");
                }

                break;
        }
    }

    private static void Selector(LabelSelector? old, LabelSelector? updated, FieldPath spec, ValidationErrors errors)
    {
        if (old is not null && !KubeJson.SemanticEquals(old, updated))
        {
            errors.Invalid(spec.Child("selector"), updated?.ToString(), Immutable);
        }
    }
}
