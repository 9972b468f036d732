namespace Containers.Orchestration.Api.Core;

/// <summary>A health check: one handler, and when and how often to run it.</summary>
public sealed record Probe
{
    public ExecAction? Exec { get; init; }

    public HttpGetAction? HttpGet { get; init; }

    public TcpSocketAction? TcpSocket { get; init; }

    public GrpcAction? Grpc { get; init; }

    public int? InitialDelaySeconds { get; init; }

    /// <summary>1 by default.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>10 by default.</summary>
    public int? PeriodSeconds { get; init; }

    /// <summary>1 by default (and must be 1 for liveness and startup).</summary>
    public int? SuccessThreshold { get; init; }

    /// <summary>3 by default.</summary>
    public int? FailureThreshold { get; init; }

    public long? TerminationGracePeriodSeconds { get; init; }
}

public sealed record ExecAction
{
    public IReadOnlyList<string> Command { get => field ?? []; init; }
}

public sealed record HttpGetAction
{
    public string? Path { get; init; }

    /// <summary>A number or the name of a container port.</summary>
    public IntOrString Port { get; init; }

    public string? Host { get; init; }

    /// <summary>HTTP (the default) or HTTPS.</summary>
    public string? Scheme { get; init; }

    public IReadOnlyList<HttpHeader> HttpHeaders { get => field ?? []; init; }
}

public sealed record HttpHeader
{
    public string Name { get => field ?? string.Empty; init; }

    public string Value { get => field ?? string.Empty; init; }
}

public sealed record TcpSocketAction
{
    public IntOrString Port { get; init; }

    public string? Host { get; init; }
}

public sealed record GrpcAction
{
    public int Port { get; init; }

    public string? Service { get; init; }
}

/// <summary>Handlers run after a container starts and before it is stopped.</summary>
public sealed record Lifecycle
{
    public LifecycleHandler? PostStart { get; init; }

    public LifecycleHandler? PreStop { get; init; }

    public string? StopSignal { get; init; }
}

public sealed record LifecycleHandler
{
    public ExecAction? Exec { get; init; }

    public HttpGetAction? HttpGet { get; init; }

    public TcpSocketAction? TcpSocket { get; init; }

    public SleepAction? Sleep { get; init; }
}

public sealed record SleepAction
{
    public long Seconds { get; init; }
}
