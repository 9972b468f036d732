using Containers.Orchestration.Api.Rbac;

namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' rules for rbac.authorization.k8s.io/v1 roles and bindings.</summary>
internal static class RbacValidation
{
    public static void Rules(IReadOnlyList<PolicyRule> rules, bool namespaced, FieldPath path, ValidationErrors errors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = path.Index(i);
            if (rule.Verbs.Count == 0)
            {
                errors.Required(at.Child("verbs"), "verbs must contain at least one value");
            }

            if (rule.NonResourceURLs.Count > 0)
            {
                if (namespaced)
                {
                    errors.Invalid(at.Child("nonResourceURLs"), string.Join(",", rule.NonResourceURLs), "namespaced rules cannot apply to non-resource URLs");
                }

                if (rule.ApiGroups.Count > 0 || rule.Resources.Count > 0 || rule.ResourceNames.Count > 0)
                {
                    errors.Invalid(at.Child("nonResourceURLs"), string.Join(",", rule.NonResourceURLs), "rules cannot apply to both regular resources and non-resource URLs");
                }

                continue;
            }

            if (rule.ApiGroups.Count == 0)
            {
                errors.Required(at.Child("apiGroups"), "resource rules must supply at least one api group");
            }

            if (rule.Resources.Count == 0)
            {
                errors.Required(at.Child("resources"), "resource rules must supply at least one resource");
            }
        }
    }

    public static void Binding(RoleRef roleRef, IReadOnlyList<Subject> subjects, bool namespaced, ValidationErrors errors)
    {
        var refPath = FieldPath.Root("roleRef");
        if (roleRef.ApiGroup != RbacV1.Group)
        {
            errors.NotSupported(refPath.Child("apiGroup"), roleRef.ApiGroup, RbacV1.Group);
        }

        if (namespaced)
        {
            errors.OneOf(refPath.Child("kind"), roleRef.Kind.Length == 0 ? null : roleRef.Kind, Role.KindName, ClusterRole.KindName);
        }
        else
        {
            errors.OneOf(refPath.Child("kind"), roleRef.Kind.Length == 0 ? null : roleRef.Kind, ClusterRole.KindName);
        }

        if (roleRef.Kind.Length == 0)
        {
            errors.Required(refPath.Child("kind"));
        }

        if (roleRef.Name.Length == 0)
        {
            errors.Required(refPath.Child("name"));
        }

        for (var i = 0; i < subjects.Count; i++)
        {
            var s = subjects[i];
            var at = FieldPath.Root("subjects").Index(i);
            if (s.Name.Length == 0)
            {
                errors.Required(at.Child("name"));
            }

            switch (s.Kind)
            {
                case "ServiceAccount":
                    if (!string.IsNullOrEmpty(s.ApiGroup))
                    {
                        errors.NotSupported(at.Child("apiGroup"), s.ApiGroup, string.Empty);
                    }

                    if (!namespaced && string.IsNullOrEmpty(s.Namespace))
                    {
                        errors.Required(at.Child("namespace"));
                    }

                    break;
                case "User" or "Group":
                    if (s.ApiGroup != RbacV1.Group)
                    {
                        errors.NotSupported(at.Child("apiGroup"), s.ApiGroup ?? string.Empty, RbacV1.Group);
                    }

                    break;
                default:
                    errors.NotSupported(at.Child("kind"), s.Kind, "ServiceAccount", "User", "Group");
                    break;
            }
        }
    }
}
