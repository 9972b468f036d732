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

    /// <summary>For an init container: Always makes it a sidecar that runs beside the app containers.</summary>
    public string? RestartPolicy { get; init; }

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
