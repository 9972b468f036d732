using System.Collections.Immutable;
using Containers.Errors;
using Containers.Images.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Testing;

/// <summary>Everything a <see cref="ContainerBuilder"/> has been told: immutable, so a builder and every container built from it share one safely.</summary>
internal sealed record ContainerConfiguration
{
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromMinutes(1);

    public IImage? Image { get; init; }

    public string? Name { get; init; }

    public ImmutableArray<string>? Entrypoint { get; init; }

    public ImmutableArray<string>? Command { get; init; }

    public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public long? MemoryBytes { get; init; }

    public double? Cpus { get; init; }

    public long? PidsLimit { get; init; }

    public string? WorkingDirectory { get; init; }

    public string? User { get; init; }

    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public ImmutableArray<IWaitStrategy> WaitStrategies { get; init; } = [];

    public TimeSpan StartupTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>The engine to run on; null: the shared per-process one.</summary>
    public ContainerEngine? Engine { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The engine's run specification for this configuration.</summary>
    /// <exception cref="InvalidArgumentException">No image was given.</exception>
    public ContainerRunSpec ToRunSpec() =>
        new(Image ?? throw new InvalidArgumentException("the container has no image; call WithImage on the builder before Build"))
        {
            Name = Name,
            Entrypoint = Entrypoint is { } entrypoint ? entrypoint : null,
            Cmd = Command is { } command ? command : null,
            Env = [.. Environment.Select(pair => $"{pair.Key}={pair.Value}")],
            WorkingDir = WorkingDirectory,
            User = User,
            MemoryBytes = MemoryBytes,
            Cpus = Cpus,
            PidsLimit = PidsLimit,
            Labels = Labels,
        };
}
