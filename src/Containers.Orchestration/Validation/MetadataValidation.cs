using System.Text;
using Containers.Orchestration.Api;

namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' rules for metadata, labels, annotations and label selectors.</summary>
internal static class MetadataValidation
{
    private const int TotalAnnotationSizeLimit = 256 * 1024;

    /// <summary>How a kind's names are checked.</summary>
    public delegate IReadOnlyList<string> NameRule(string name);

    public static void ObjectMeta(ObjectMeta meta, bool namespaced, NameRule nameRule, FieldPath path, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(meta.Name))
        {
            if (string.IsNullOrEmpty(meta.GenerateName))
            {
                errors.Required(path.Child("name"), "name or generateName is required");
            }
            else
            {
                // A generated name adds five characters; the prefix must be valid once they are added.
                errors.InvalidEach(path.Child("generateName"), meta.GenerateName, nameRule(meta.GenerateName + "abcde"));
            }
        }
        else
        {
            errors.InvalidEach(path.Child("name"), meta.Name, nameRule(meta.Name));
        }

        if (namespaced)
        {
            if (!string.IsNullOrEmpty(meta.Namespace))
            {
                errors.InvalidEach(path.Child("namespace"), meta.Namespace, KubeNames.ValidateDns1123Label(meta.Namespace));
            }
        }
        else if (!string.IsNullOrEmpty(meta.Namespace))
        {
            errors.Forbidden(path.Child("namespace"), "not allowed on this type");
        }

        Labels(meta.Labels, path.Child("labels"), errors);
        Annotations(meta.Annotations, path.Child("annotations"), errors);
        for (var i = 0; i < meta.Finalizers.Count; i++)
        {
            errors.InvalidEach(path.Child("finalizers").Index(i), meta.Finalizers[i], KubeNames.ValidateQualifiedName(meta.Finalizers[i]));
        }

        var controllers = 0;
        for (var i = 0; i < meta.OwnerReferences.Count; i++)
        {
            var owner = meta.OwnerReferences[i];
            var at = path.Child("ownerReferences").Index(i);
            if (owner.ApiVersion.Length == 0)
            {
                errors.Invalid(at.Child("apiVersion"), owner.ApiVersion, "version must not be empty");
            }

            if (owner.Kind.Length == 0)
            {
                errors.Invalid(at.Child("kind"), owner.Kind, "kind must not be empty");
            }

            if (owner.Name.Length == 0)
            {
                errors.Invalid(at.Child("name"), owner.Name, "name must not be empty");
            }

            if (owner.Uid.Length == 0)
            {
                errors.Invalid(at.Child("uid"), owner.Uid, "uid must not be empty");
            }

            if (owner.Controller == true && ++controllers > 1)
            {
                errors.Invalid(path.Child("ownerReferences"), null, "Only one reference can have Controller set to true");
            }
        }

        errors.NonNegative(path.Child("generation"), meta.Generation);
    }

    public static void Labels(IReadOnlyDictionary<string, string> labels, FieldPath path, ValidationErrors errors)
    {
        foreach (var (key, value) in labels)
        {
            errors.InvalidEach(path, key, KubeNames.ValidateQualifiedName(key));
            errors.InvalidEach(path.Key(key), value, KubeNames.ValidateLabelValue(value ?? string.Empty));
        }
    }

    public static void Annotations(IReadOnlyDictionary<string, string> annotations, FieldPath path, ValidationErrors errors)
    {
        long size = 0;
        foreach (var (key, value) in annotations)
        {
            errors.InvalidEach(path, key, KubeNames.ValidateQualifiedName(key.ToLowerInvariant()));
            size += key.Length + Encoding.UTF8.GetByteCount(value ?? string.Empty);
        }

        if (size > TotalAnnotationSizeLimit)
        {
            errors.TooLong(path, TotalAnnotationSizeLimit);
        }
    }

    /// <summary>The object form of a label selector: valid keys and values, and operators with the values they need.</summary>
    public static void LabelSelector(LabelSelector selector, FieldPath path, ValidationErrors errors)
    {
        Labels(selector.MatchLabels, path.Child("matchLabels"), errors);
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var r = selector.MatchExpressions[i];
            var at = path.Child("matchExpressions").Index(i);
            errors.InvalidEach(at.Child("key"), r.Key, KubeNames.ValidateQualifiedName(r.Key));
            switch (r.Operator)
            {
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn:
                    if (r.Values.Count == 0)
                    {
                        errors.Required(at.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'");
                    }

                    break;
                case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist:
                    if (r.Values.Count > 0)
                    {
                        errors.Forbidden(at.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }

                    break;
                default:
                    errors.Invalid(at.Child("operator"), r.Operator, "not a valid selector operator");
                    break;
            }

            for (var j = 0; j < r.Values.Count; j++)
            {
                errors.InvalidEach(at.Child("values").Index(j), r.Values[j], KubeNames.ValidateLabelValue(r.Values[j]));
            }
        }
    }
}
