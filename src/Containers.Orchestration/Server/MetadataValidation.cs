using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;

namespace Containers.Orchestration.Server;

/// <summary>
/// The metadata rules every kind shares (apimachinery's ValidateObjectMeta): the name's form for the
/// kind, label and annotation keys and values, finalizer names and owner references.
/// </summary>
internal static class MetadataValidation
{
    public static List<StatusCause> Validate(ResourceType type, KubeObject obj)
    {
        var causes = new List<StatusCause>();
        var meta = obj.Metadata;
        var name = meta.Name ?? string.Empty;
        if (name.Length == 0)
        {
            causes.Add(FieldErrors.Required("metadata.name", "name or generateName is required"));
        }
        else
        {
            foreach (var error in NameErrors(type, name))
            {
                causes.Add(FieldErrors.Invalid("metadata.name", name, error));
            }
        }

        foreach (var (key, value) in meta.Labels)
        {
            foreach (var error in KubeNames.ValidateQualifiedName(key))
            {
                causes.Add(FieldErrors.Invalid("metadata.labels", key, error));
            }

            foreach (var error in KubeNames.ValidateLabelValue(value))
            {
                causes.Add(FieldErrors.Invalid("metadata.labels", value, error));
            }
        }

        foreach (var key in meta.Annotations.Keys)
        {
            foreach (var error in KubeNames.ValidateQualifiedName(key.ToLowerInvariant()))
            {
                causes.Add(FieldErrors.Invalid("metadata.annotations", key, error));
            }
        }

        for (var i = 0; i < meta.Finalizers.Count; i++)
        {
            foreach (var error in KubeNames.ValidateQualifiedName(meta.Finalizers[i]))
            {
                causes.Add(FieldErrors.Invalid($"metadata.finalizers[{i}]", meta.Finalizers[i], error));
            }
        }

        var controllers = 0;
        for (var i = 0; i < meta.OwnerReferences.Count; i++)
        {
            var owner = meta.OwnerReferences[i];
            var field = $"metadata.ownerReferences[{i}]";
            if (owner.ApiVersion.Length == 0)
            {
                causes.Add(FieldErrors.Invalid($"{field}.apiVersion", owner.ApiVersion, "version must not be empty"));
            }

            if (owner.Kind.Length == 0)
            {
                causes.Add(FieldErrors.Invalid($"{field}.kind", owner.Kind, "kind must not be empty"));
            }

            if (owner.Name.Length == 0)
            {
                causes.Add(FieldErrors.Invalid($"{field}.name", owner.Name, "name must not be empty"));
            }

            if (owner.Uid.Length == 0)
            {
                causes.Add(FieldErrors.Invalid($"{field}.uid", owner.Uid, "uid must not be empty"));
            }

            controllers += owner.Controller == true ? 1 : 0;
        }

        if (controllers > 1)
        {
            causes.Add(FieldErrors.Invalid("metadata.ownerReferences", null, "Only one reference can have Controller set to true"));
        }

        return causes;
    }

    /// <summary>What is wrong with <paramref name="name"/> as the name of a <paramref name="type"/>.</summary>
    public static IReadOnlyList<string> NameErrors(ResourceType type, string name) => type.Kind switch
    {
        Namespace.KindName => KubeNames.ValidateDns1123Label(name),
        "Service" => name.Length > 0 && !char.IsAsciiLetterLower(name[0])
            ? ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
            : KubeNames.ValidateDns1123Label(name),
        Role.KindName or ClusterRole.KindName or RoleBinding.KindName or ClusterRoleBinding.KindName => [],
        _ => KubeNames.ValidateDns1123Subdomain(name),
    };
}
