using System.Text.Json.Serialization;

namespace Containers.Orchestration.Api.Autoscaling;

/// <summary>autoscaling/v2 HorizontalPodAutoscaler: scales a target between bounds to meet metric targets.</summary>
public sealed record HorizontalPodAutoscaler() : KubeObject(ApiVersionV2, KindName)
{
    public const string Group = "autoscaling";
    public const string ApiVersionV2 = "autoscaling/v2";
    public const string KindName = "HorizontalPodAutoscaler";

    public HorizontalPodAutoscalerSpec Spec { get => field ??= new(); init; }

    public HorizontalPodAutoscalerStatus Status { get => field ??= new(); init; }
}

public sealed record HorizontalPodAutoscalerSpec
{
    public CrossVersionObjectReference ScaleTargetRef { get => field ??= new(); init; }

    /// <summary>1 by default.</summary>
    public int? MinReplicas { get; init; }

    public int MaxReplicas { get; init; }

    /// <summary>80% average CPU utilization when empty.</summary>
    public IReadOnlyList<MetricSpec> Metrics { get => field ?? []; init; }

    public HorizontalPodAutoscalerBehavior? Behavior { get; init; }
}

/// <summary>Names the scaled object by apiVersion, kind and name.</summary>
public sealed record CrossVersionObjectReference
{
    public string? ApiVersion { get; init; }

    public string Kind { get => field ?? string.Empty; init; }

    public string Name { get => field ?? string.Empty; init; }
}

/// <summary>One metric to scale on; <see cref="Type"/> says which member is set.</summary>
public sealed record MetricSpec
{
    /// <summary>Resource, Pods, Object, External or ContainerResource.</summary>
    public string Type { get => field ?? string.Empty; init; }

    public ResourceMetricSource? Resource { get; init; }

    public ContainerResourceMetricSource? ContainerResource { get; init; }

    public PodsMetricSource? Pods { get; init; }

    public ObjectMetricSource? Object { get; init; }

    public ExternalMetricSource? External { get; init; }
}

public sealed record ResourceMetricSource
{
    /// <summary>cpu or memory.</summary>
    public string Name { get => field ?? string.Empty; init; }

    public MetricTarget Target { get => field ??= new(); init; }
}

public sealed record ContainerResourceMetricSource
{
    public string Name { get => field ?? string.Empty; init; }

    public string Container { get => field ?? string.Empty; init; }

    public MetricTarget Target { get => field ??= new(); init; }
}

public sealed record PodsMetricSource
{
    public MetricIdentifier Metric { get => field ??= new(); init; }

    public MetricTarget Target { get => field ??= new(); init; }
}

public sealed record ObjectMetricSource
{
    public CrossVersionObjectReference DescribedObject { get => field ??= new(); init; }

    public MetricIdentifier Metric { get => field ??= new(); init; }

    public MetricTarget Target { get => field ??= new(); init; }
}

public sealed record ExternalMetricSource
{
    public MetricIdentifier Metric { get => field ??= new(); init; }

    public MetricTarget Target { get => field ??= new(); init; }
}

public sealed record MetricIdentifier
{
    public string Name { get => field ?? string.Empty; init; }

    public LabelSelector? Selector { get; init; }
}

public sealed record MetricTarget
{
    /// <summary>Utilization, Value or AverageValue.</summary>
    public string Type { get => field ?? string.Empty; init; }

    public Quantity? Value { get; init; }

    public Quantity? AverageValue { get; init; }

    /// <summary>Percent of the pods' requests.</summary>
    public int? AverageUtilization { get; init; }
}

public sealed record HorizontalPodAutoscalerBehavior
{
    public HpaScalingRules? ScaleUp { get; init; }

    public HpaScalingRules? ScaleDown { get; init; }
}

/// <summary>How fast one direction may scale (Kubernetes' HPAScalingRules).</summary>
public sealed record HpaScalingRules
{
    /// <summary>0 for scale-up, 300 for scale-down by default.</summary>
    public int? StabilizationWindowSeconds { get; init; }

    /// <summary>Max (the default), Min or Disabled.</summary>
    public string? SelectPolicy { get; init; }

    public IReadOnlyList<HpaScalingPolicy> Policies { get => field ?? []; init; }

    /// <summary>The ratio below which no scaling happens; 0.1 by default.</summary>
    public Quantity? Tolerance { get; init; }
}

public sealed record HpaScalingPolicy
{
    /// <summary>Pods or Percent.</summary>
    public string Type { get => field ?? string.Empty; init; }

    public int Value { get; init; }

    public int PeriodSeconds { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record HorizontalPodAutoscalerStatus
{
    public long? ObservedGeneration { get; init; }

    public DateTimeOffset? LastScaleTime { get; init; }

    public int? CurrentReplicas { get; init; }

    public int DesiredReplicas { get; init; }

    public IReadOnlyList<MetricStatus> CurrentMetrics { get => field ?? []; init; }

    /// <summary>AbleToScale, ScalingActive, ScalingLimited.</summary>
    public IReadOnlyList<Condition> Conditions { get => field ?? []; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record MetricStatus
{
    public string Type { get => field ?? string.Empty; init; }

    public ResourceMetricStatus? Resource { get; init; }

    public ContainerResourceMetricStatus? ContainerResource { get; init; }

    public PodsMetricStatus? Pods { get; init; }

    public ObjectMetricStatus? Object { get; init; }

    public ExternalMetricStatus? External { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ResourceMetricStatus
{
    public string Name { get => field ?? string.Empty; init; }

    public MetricValueStatus Current { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ContainerResourceMetricStatus
{
    public string Name { get => field ?? string.Empty; init; }

    public string Container { get => field ?? string.Empty; init; }

    public MetricValueStatus Current { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PodsMetricStatus
{
    public MetricIdentifier Metric { get => field ??= new(); init; }

    public MetricValueStatus Current { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ObjectMetricStatus
{
    public MetricIdentifier Metric { get => field ??= new(); init; }

    public MetricValueStatus Current { get => field ??= new(); init; }

    public CrossVersionObjectReference DescribedObject { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ExternalMetricStatus
{
    public MetricIdentifier Metric { get => field ??= new(); init; }

    public MetricValueStatus Current { get => field ??= new(); init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record MetricValueStatus
{
    public Quantity? Value { get; init; }

    public Quantity? AverageValue { get; init; }

    public int? AverageUtilization { get; init; }
}
