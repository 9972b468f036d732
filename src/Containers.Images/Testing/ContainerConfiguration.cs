using System.Collections.Immutable;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Networking.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Images.Testing;

/// <summary>Everything a <see cref="ContainerBuilder"/> has been told: immutable, so a builder and every container built from it share one safely.</summary>
internal sealed record ContainerConfiguration
{
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromMinutes(1);

    public IImage? Image { get; init; }

    /// <summary>A reference to resolve in <see cref="Images"/> at start, when no <see cref="Image"/> is given.</summary>
    public string? ImageReference { get; init; }

    /// <summary>Where <see cref="ImageReference"/> is resolved; null: the local images under the default root.</summary>
    public LocalImages? Images { get; init; }

    public string? Name { get; init; }

    public ImmutableArray<string>? Entrypoint { get; init; }

    public ImmutableArray<string>? Command { get; init; }

    public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public long? MemoryBytes { get; init; }

    public double? Cpus { get; init; }

    public long? PidsLimit { get; init; }

    public ImmutableArray<PortBinding> Ports { get; init; } = [];

    public ImmutableArray<VolumeMount> Mounts { get; init; } = [];

    public string? Network { get; init; }

    public ImmutableArray<string> NetworkAliases { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    public string? User { get; init; }

    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public ImmutableArray<IWaitStrategy> WaitStrategies { get; init; } = [];

    public TimeSpan StartupTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>The engine to run on; null: the shared per-process one.</summary>
    public ContainerEngine? Engine { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The image: the one given, or the one the reference names in the local images.</summary>
    /// <exception cref="NotFoundException">No local image answers to the reference.</exception>
    public async ValueTask<IImage> ResolveImageAsync(CancellationToken cancellationToken) =>
        Image ?? await (Images ?? DefaultLocalImages.Instance).ResolveAsync(
            ImageReference ?? throw new InvalidArgumentException("the container has no image; call WithImage on the builder before Build"),
            platform: null,
            cancellationToken).ConfigureAwait(false);

    /// <summary>The engine's run specification for this configuration, with <paramref name="image"/> resolved.</summary>
    public ContainerRunSpec ToRunSpec(IImage image) =>
        new(image)
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
            Ports = Ports,
            Mounts = Mounts,
            Network = Network,
            NetworkAliases = NetworkAliases,
            Labels = Labels,
        };
}
