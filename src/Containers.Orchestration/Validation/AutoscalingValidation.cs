using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Autoscaling;

namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' rules for autoscaling/v2 HorizontalPodAutoscalers.</summary>
internal static class AutoscalingValidation
{
    public static void Hpa(HorizontalPodAutoscaler hpa, FieldPath spec, ValidationErrors errors)
    {
        var s = hpa.Spec;
        if (s.ScaleTargetRef.Kind.Length == 0)
        {
            errors.Required(spec.Child("scaleTargetRef").Child("kind"));
        }

        if (s.ScaleTargetRef.Name.Length == 0)
        {
            errors.Required(spec.Child("scaleTargetRef").Child("name"));
        }
        else
        {
            errors.InvalidEach(spec.Child("scaleTargetRef").Child("name"), s.ScaleTargetRef.Name, KubeNames.ValidatePathSegmentName(s.ScaleTargetRef.Name));
        }

        if (s.MinReplicas is < 1)
        {
            errors.Invalid(spec.Child("minReplicas"), s.MinReplicas.Value, "must be greater than or equal to 1");
        }

        if (s.MaxReplicas < 1)
        {
            errors.Invalid(spec.Child("maxReplicas"), s.MaxReplicas, "must be greater than 0");
        }
        else if (s.MinReplicas is { } min && s.MaxReplicas < min)
        {
            errors.Invalid(spec.Child("maxReplicas"), s.MaxReplicas, "must be greater than or equal to `minReplicas`");
        }

        for (var i = 0; i < s.Metrics.Count; i++)
        {
            Metric(s.Metrics[i], spec.Child("metrics").Index(i), errors);
        }

        if (s.Behavior is { } behavior)
        {
            Rules(behavior.ScaleUp, spec.Child("behavior").Child("scaleUp"), errors);
            Rules(behavior.ScaleDown, spec.Child("behavior").Child("scaleDown"), errors);
        }
    }

    private static void Metric(MetricSpec m, FieldPath path, ValidationErrors errors)
    {
        var set = new (string Type, object? Source)[] { ("Resource", m.Resource), ("ContainerResource", m.ContainerResource), ("Pods", m.Pods), ("Object", m.Object), ("External", m.External) };
        if (m.Type.Length == 0)
        {
            errors.Required(path.Child("type"));
            return;
        }

        if (!set.Any(s => s.Type == m.Type))
        {
            errors.NotSupported(path.Child("type"), m.Type, [.. set.Select(s => s.Type)]);
            return;
        }

        foreach (var (type, source) in set)
        {
            var field = char.ToLowerInvariant(type[0]) + type[1..];
            if (type == m.Type && source is null)
            {
                errors.Required(path.Child(field), $"must populate information for the given metric source (type {m.Type})");
            }
            else if (type != m.Type && source is not null)
            {
                errors.Forbidden(path.Child(field), "must populate the given metric source only");
            }
        }

        switch (m.Type)
        {
            case "Resource" when m.Resource is { } r:
                ResourceName(r.Name, path.Child("resource").Child("name"), errors);
                Target(r.Target, path.Child("resource").Child("target"), errors);
                break;
            case "ContainerResource" when m.ContainerResource is { } c:
                ResourceName(c.Name, path.Child("containerResource").Child("name"), errors);
                if (c.Container.Length == 0)
                {
                    errors.Required(path.Child("containerResource").Child("container"));
                }

                Target(c.Target, path.Child("containerResource").Child("target"), errors);
                break;
            case "Pods" when m.Pods is { } p:
                Identifier(p.Metric, path.Child("pods").Child("metric"), errors);
                Target(p.Target, path.Child("pods").Child("target"), errors);
                break;
            case "Object" when m.Object is { } o:
                if (o.DescribedObject.Kind.Length == 0)
                {
                    errors.Required(path.Child("object").Child("describedObject").Child("kind"));
                }

                if (o.DescribedObject.Name.Length == 0)
                {
                    errors.Required(path.Child("object").Child("describedObject").Child("name"));
                }

                Identifier(o.Metric, path.Child("object").Child("metric"), errors);
                Target(o.Target, path.Child("object").Child("target"), errors);
                break;
            case "External" when m.External is { } e:
                Identifier(e.Metric, path.Child("external").Child("metric"), errors);
                Target(e.Target, path.Child("external").Child("target"), errors);
                break;
        }
    }

    private static void ResourceName(string name, FieldPath path, ValidationErrors errors)
    {
        if (name.Length == 0)
        {
            errors.Required(path);
        }
    }

    private static void Identifier(MetricIdentifier metric, FieldPath path, ValidationErrors errors)
    {
        if (metric.Name.Length == 0)
        {
            errors.Required(path.Child("name"));
        }

        if (metric.Selector is not null)
        {
            MetadataValidation.LabelSelector(metric.Selector, path.Child("selector"), errors);
        }
    }

    private static void Target(MetricTarget target, FieldPath path, ValidationErrors errors)
    {
        switch (target.Type)
        {
            case "":
                errors.Required(path.Child("type"));
                break;
            case "Utilization" when target.AverageUtilization is null:
                errors.Required(path.Child("averageUtilization"), "must be set when type is Utilization");
                break;
            case "Value" when target.Value is null:
                errors.Required(path.Child("value"), "must be set when type is Value");
                break;
            case "AverageValue" when target.AverageValue is null:
                errors.Required(path.Child("averageValue"), "must be set when type is AverageValue");
                break;
            case "Utilization" or "Value" or "AverageValue":
                break;
            default:
                errors.NotSupported(path.Child("type"), target.Type, "Utilization", "Value", "AverageValue");
                break;
        }

        if (target.AverageUtilization is <= 0)
        {
            errors.Invalid(path.Child("averageUtilization"), target.AverageUtilization.Value, "must be greater than 0");
        }

        if (target.Value is { } value && value <= Quantity.Zero)
        {
            errors.Invalid(path.Child("value"), value.ToString(), "must be positive");
        }

        if (target.AverageValue is { } average && average <= Quantity.Zero)
        {
            errors.Invalid(path.Child("averageValue"), average.ToString(), "must be positive");
        }
    }

    private static void Rules(HpaScalingRules? rules, FieldPath path, ValidationErrors errors)
    {
        if (rules is null)
        {
            return;
        }

        if (rules.StabilizationWindowSeconds is < 0 or > 3600)
        {
            errors.Invalid(path.Child("stabilizationWindowSeconds"), rules.StabilizationWindowSeconds.Value, "must be less than or equal to 3600 and greater than or equal to 0");
        }

        errors.OneOf(path.Child("selectPolicy"), rules.SelectPolicy, "Max", "Min", "Disabled");
        if (rules.Tolerance is { } tolerance && tolerance < Quantity.Zero)
        {
            errors.Invalid(path.Child("tolerance"), tolerance.ToString(), "must be greater than or equal to 0");
        }

        if (rules.Policies.Count == 0 && rules.SelectPolicy != "Disabled")
        {
            errors.Required(path.Child("policies"), "must specify at least one Policy");
        }

        for (var i = 0; i < rules.Policies.Count; i++)
        {
            var p = rules.Policies[i];
            var at = path.Child("policies").Index(i);
            errors.OneOf(at.Child("type"), p.Type, "Pods", "Percent");
            if (p.Value <= 0)
            {
                errors.Invalid(at.Child("value"), p.Value, "must be greater than zero");
            }

            if (p.PeriodSeconds is <= 0 or > 1800)
            {
                errors.Invalid(at.Child("periodSeconds"), p.PeriodSeconds, "must be greater than zero and less than or equal to 1800");
            }
        }
    }
}
