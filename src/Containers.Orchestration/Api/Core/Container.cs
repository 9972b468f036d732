namespace Containers.Orchestration.Api.Core;

/// <summary>One container of a pod.</summary>
public sealed record Container
{
    /// <summary>A DNS-1123 label, unique in the pod.</summary>
    public string Name { get => field ?? string.Empty; init; }

    public string? Image { get; init; }

    /// <summary>The entrypoint; the image's when empty.</summary>
    public IReadOnlyList<string> Command { get => field ?? []; init; }

    /// <summary>The arguments; the image's cmd when empty.</summary>
    public IReadOnlyList<string> Args { get => field ?? []; init; }

    public string? WorkingDir { get; init; }

    public IReadOnlyList<ContainerPortSpec> Ports { get => field ?? []; init; }

    public IReadOnlyList<EnvFromSource> EnvFrom { get => field ?? []; init; }

    public IReadOnlyList<EnvVar> Env { get => field ?? []; init; }

    public ResourceRequirements Resources { get => field ??= new(); init; }

    /// <summary>Whether resizing cpu or memory in place restarts the container.</summary>
    public IReadOnlyList<ContainerResizePolicy> ResizePolicy { get => field ?? []; init; }

    /// <summary>For an init container: Always makes it a sidecar that runs beside the app containers.</summary>
    public string? RestartPolicy { get; init; }

    /// <summary>Exit codes that override <see cref="RestartPolicy"/>, which must then be set.</summary>
    public IReadOnlyList<ContainerRestartRule> RestartPolicyRules { get => field ?? []; init; }

    public IReadOnlyList<VolumeMount> VolumeMounts { get => field ?? []; init; }

    public Probe? LivenessProbe { get; init; }

    public Probe? ReadinessProbe { get; init; }

    public Probe? StartupProbe { get; init; }

    public Lifecycle? Lifecycle { get; init; }

    public string? TerminationMessagePath { get; init; }

    public string? TerminationMessagePolicy { get; init; }

    /// <summary>Always, IfNotPresent or Never; see <see cref="PullPolicy"/>.</summary>
    public string? ImagePullPolicy { get; init; }

    public SecurityContext? SecurityContext { get; init; }

    public bool? Stdin { get; init; }

    public bool? StdinOnce { get; init; }

    public bool? Tty { get; init; }
}

/// <summary>A port a container listens on (Kubernetes' ContainerPort; renamed so its port field keeps its name).</summary>
public sealed record ContainerPortSpec
{
    /// <summary>An IANA service name (at most 15 characters), unique in the pod.</summary>
    public string? Name { get; init; }

    public int? HostPort { get; init; }

    public int ContainerPort { get; init; }

    /// <summary>TCP (the default), UDP or SCTP.</summary>
    public string? Protocol { get; init; }

    public string? HostIP { get; init; }
}

/// <summary>What an in-place resize of one resource does to the container.</summary>
public sealed record ContainerResizePolicy
{
    /// <summary>cpu or memory.</summary>
    public string ResourceName { get => field ?? string.Empty; init; }

    /// <summary>NotRequired (the default) or RestartContainer.</summary>
    public string RestartPolicy { get => field ?? string.Empty; init; }
}

/// <summary>An action taken when a container exits with a matching code.</summary>
public sealed record ContainerRestartRule
{
    /// <summary>Restart, or RestartAllContainers of the pod.</summary>
    public string Action { get => field ?? string.Empty; init; }

    public ContainerRestartRuleOnExitCodes? ExitCodes { get; init; }
}

/// <summary>Exit codes a restart rule matches: In or NotIn <see cref="Values"/>.</summary>
public sealed record ContainerRestartRuleOnExitCodes
{
    public string Operator { get => field ?? string.Empty; init; }

    public IReadOnlyList<int> Values { get => field ?? []; init; }
}
