using System.Net;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' rules for Service, ConfigMap, Secret, PersistentVolumeClaim, Namespace and Node.</summary>
internal static class CoreValidation
{
    private const int MaxConfigSize = 1024 * 1024;
    private static readonly string[] AccessModes = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];

    public static void Service(Service svc, FieldPath spec, ValidationErrors errors)
    {
        var s = svc.Spec;
        var type = s.Type ?? "ClusterIP";
        errors.OneOf(spec.Child("type"), s.Type, "ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
        var headless = s.ClusterIP == "None";
        if (type == "ExternalName")
        {
            if (string.IsNullOrEmpty(s.ExternalName))
            {
                errors.Required(spec.Child("externalName"));
            }
            else
            {
                errors.InvalidEach(spec.Child("externalName"), s.ExternalName, KubeNames.ValidateDns1123Subdomain(s.ExternalName.TrimEnd('.')));
            }
        }
        else if (s.Ports.Count == 0 && !headless)
        {
            errors.Required(spec.Child("ports"));
        }

        if (headless && type is "NodePort" or "LoadBalancer")
        {
            errors.Invalid(spec.Child("clusterIP"), s.ClusterIP, $"may not be set to 'None' for {type} services");
        }
        else if (!string.IsNullOrEmpty(s.ClusterIP) && !headless && !IPAddress.TryParse(s.ClusterIP, out _))
        {
            errors.Invalid(spec.Child("clusterIP"), s.ClusterIP, "must be empty, 'None', or a valid IP address");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<(int, string)>();
        for (var i = 0; i < s.Ports.Count; i++)
        {
            var port = s.Ports[i];
            var at = spec.Child("ports").Index(i);
            if (string.IsNullOrEmpty(port.Name))
            {
                if (s.Ports.Count > 1)
                {
                    errors.Required(at.Child("name"));
                }
            }
            else
            {
                errors.InvalidEach(at.Child("name"), port.Name, KubeNames.ValidateDns1123Label(port.Name));
                if (!names.Add(port.Name))
                {
                    errors.Duplicate(at.Child("name"), port.Name);
                }
            }

            errors.PortNumber(at.Child("port"), port.Port);
            errors.OneOf(at.Child("protocol"), port.Protocol, "TCP", "UDP", "SCTP");
            if (port.TargetPort is { } target && !(target is { IsString: false, IntValue: 0 }))
            {
                PodValidation.PortRef(target, at.Child("targetPort"), errors);
            }

            if (port.NodePort is { } nodePort && nodePort != 0)
            {
                errors.PortNumber(at.Child("nodePort"), nodePort);
                if (type is not ("NodePort" or "LoadBalancer"))
                {
                    errors.Forbidden(at.Child("nodePort"), "may not be used when `type` is 'ClusterIP'");
                }
            }

            if (!seen.Add((port.Port, port.Protocol ?? "TCP")))
            {
                errors.Duplicate(at, $"{port.Port}/{port.Protocol ?? "TCP"}");
            }
        }

        MetadataValidation.Labels(s.Selector, spec.Child("selector"), errors);
        errors.OneOf(spec.Child("sessionAffinity"), s.SessionAffinity, "None", "ClientIP");
        errors.OneOf(spec.Child("externalTrafficPolicy"), s.ExternalTrafficPolicy, "Cluster", "Local");
        errors.OneOf(spec.Child("internalTrafficPolicy"), s.InternalTrafficPolicy, "Cluster", "Local");
        errors.OneOf(spec.Child("ipFamilyPolicy"), s.IpFamilyPolicy, "SingleStack", "PreferDualStack", "RequireDualStack");
        for (var i = 0; i < s.ExternalIPs.Count; i++)
        {
            if (!IPAddress.TryParse(s.ExternalIPs[i], out _))
            {
                errors.Invalid(spec.Child("externalIPs").Index(i), s.ExternalIPs[i], "must be a valid IP address");
            }
        }
    }

    public static void ConfigMap(ConfigMap cm, ValidationErrors errors)
    {
        var size = Keys(cm.Data, "data", v => v?.Length ?? 0, errors) + Keys(cm.BinaryData, "binaryData", v => v?.Length ?? 0, errors);
        foreach (var key in cm.BinaryData.Keys.Where(cm.Data.ContainsKey))
        {
            errors.Invalid(FieldPath.Root("binaryData").Key(key), key, "duplicate of key present in data");
        }

        if (size > MaxConfigSize)
        {
            errors.TooLong(FieldPath.Root("data"), MaxConfigSize);
        }
    }

    public static void Secret(Secret secret, ValidationErrors errors)
    {
        var size = Keys(secret.Data, "data", v => v?.Length ?? 0, errors) + Keys(secret.StringData, "stringData", v => v?.Length ?? 0, errors);
        if (size > MaxConfigSize)
        {
            errors.TooLong(FieldPath.Root("data"), MaxConfigSize);
        }

        switch (secret.Type)
        {
            case "kubernetes.io/tls":
                foreach (var key in new[] { "tls.crt", "tls.key" })
                {
                    if (!secret.Data.ContainsKey(key) && !secret.StringData.ContainsKey(key))
                    {
                        errors.Required(FieldPath.Root("data").Key(key));
                    }
                }

                break;
            case "kubernetes.io/dockerconfigjson":
                if (!secret.Data.ContainsKey(".dockerconfigjson") && !secret.StringData.ContainsKey(".dockerconfigjson"))
                {
                    errors.Required(FieldPath.Root("data").Key(".dockerconfigjson"));
                }

                break;
        }
    }

    /// <summary>Checks the keys of a data map and returns the size of its values.</summary>
    private static long Keys<T>(IReadOnlyDictionary<string, T> data, string field, Func<T, int> size, ValidationErrors errors)
    {
        long total = 0;
        foreach (var (key, value) in data)
        {
            errors.InvalidEach(FieldPath.Root(field).Key(key), key, KubeNames.ValidateConfigMapKey(key));
            total += size(value);
        }

        return total;
    }

    public static void ClaimSpec(PersistentVolumeClaimSpec s, FieldPath spec, ValidationErrors errors)
    {
        if (s.AccessModes.Count == 0)
        {
            errors.Required(spec.Child("accessModes"), "at least 1 access mode is required");
        }

        for (var i = 0; i < s.AccessModes.Count; i++)
        {
            errors.OneOf(spec.Child("accessModes").Index(i), s.AccessModes[i], AccessModes);
        }

        if (!s.Resources.Requests.TryGetValue(ResourceNames.Storage, out var storage))
        {
            errors.Required(spec.Child("resources").Key(ResourceNames.Storage));
        }
        else if (storage <= Quantity.Zero)
        {
            errors.Invalid(spec.Child("resources").Key(ResourceNames.Storage), storage.ToString(), "must be greater than zero");
        }

        PodValidation.Resources(s.Resources.Requests, s.Resources.Limits, spec.Child("resources"), errors);
        errors.OneOf(spec.Child("volumeMode"), s.VolumeMode, "Filesystem", "Block");
        if (s.Selector is not null)
        {
            MetadataValidation.LabelSelector(s.Selector, spec.Child("selector"), errors);
        }
    }

    public static void Namespace(Namespace ns, ValidationErrors errors)
    {
        for (var i = 0; i < ns.Spec.Finalizers.Count; i++)
        {
            errors.InvalidEach(FieldPath.Root("spec").Child("finalizers").Index(i), ns.Spec.Finalizers[i], KubeNames.ValidateQualifiedName(ns.Spec.Finalizers[i]));
        }
    }

    public static void Node(Node node, ValidationErrors errors)
    {
        PodValidation.Taints(node.Spec.Taints, FieldPath.Root("spec").Child("taints"), errors);
        foreach (var (name, amount) in node.Status.Capacity)
        {
            if (amount < Quantity.Zero)
            {
                errors.Invalid(FieldPath.Root("status").Child("capacity").Key(name), amount.ToString(), "must be greater than or equal to 0");
            }
        }

        foreach (var (name, amount) in node.Status.Allocatable)
        {
            if (amount < Quantity.Zero)
            {
                errors.Invalid(FieldPath.Root("status").Child("allocatable").Key(name), amount.ToString(), "must be greater than or equal to 0");
            }
        }
    }
}
