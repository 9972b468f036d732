namespace Containers.Images.Build;

/// <summary>What <c>docker build</c> is asked for.</summary>
public sealed record BuildRequest
{
    /// <summary>The build context: the directory whose files COPY and ADD see.</summary>
    public required string ContextDirectory { get; init; }

    /// <summary>The Dockerfile; null for <c>Dockerfile</c> in the context.</summary>
    public string? DockerfilePath { get; init; }

    /// <summary>The names the image gets (<c>-t</c>), in the local store and in OCI layouts and archives.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Build arguments (<c>--build-arg k=v</c>): they override the defaults of the ARGs that declare them.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The stage to build (<c>--target</c>); null for the last one. Only the stages it needs are built.</summary>
    public string? Target { get; init; }

    /// <summary>Build every step again, ignoring the cache (<c>--no-cache</c>); the results still go into it.</summary>
    public bool NoCache { get; init; }

    /// <summary>The network of RUN steps that ask for none: <c>none</c> (the default), <c>host</c> or <c>bridge</c>.</summary>
    public string Network { get; init; } = "none";

    /// <summary>Where the image goes (<c>-o</c>); empty for the local store.</summary>
    public IReadOnlyList<BuildOutput> Outputs { get; init; } = [];

    /// <summary>Labels set on the image (<c>--label</c>), over the Dockerfile's.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
