using System.Collections.Immutable;
using Containers.Errors;
using Containers.Images.Engine;
using Containers.Networking.Ports;
using Microsoft.Extensions.Logging;

namespace Containers.Images.Testing;

/// <summary>
/// Describes a throwaway container for a test, in the shape Testcontainers users know, with no
/// daemon: the container runs in this process's engine. The builder is immutable: every
/// <c>With…</c> returns a new builder and leaves this one as it was, so a base builder can be
/// shared and specialised. <see cref="Build"/> makes a <see cref="ThrowawayContainer"/>, which
/// <see cref="ThrowawayContainer.StartAsync"/> runs.
/// </summary>
/// <example>
/// <code>
/// await using var web = new ContainerBuilder()
///     .WithImage(image)
///     .WithCommand("httpd", "-f", "-p", "8080")
///     .WithPortBinding(8080)
///     .WithWaitStrategy(Wait.ForHttp("/", 8080))
///     .Build();
/// await web.StartAsync();
/// var url = $"http://{web.Hostname}:{web.GetMappedPort(8080)}/";
/// </code>
/// </example>
public sealed class ContainerBuilder
{
    private readonly ContainerConfiguration _configuration;

    /// <summary>A builder with nothing set: give it an image with <see cref="WithImage(IImage)"/>.</summary>
    public ContainerBuilder()
        : this(new ContainerConfiguration())
    {
    }

    private ContainerBuilder(ContainerConfiguration configuration) => _configuration = configuration;

    /// <summary>The image to run.</summary>
    public ContainerBuilder WithImage(IImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return With(_configuration with { Image = image, ImageReference = null });
    }

    /// <summary>
    /// The image to run, by a name (<c>busybox</c>, <c>registry:5000/app:1.2</c>), an image ID or a
    /// <c>name@sha256:…</c> reference, resolved in the local images when the container starts:
    /// those of <see cref="WithLocalImages"/>, or else those under the default root (what
    /// <c>containers images</c> lists). Nothing is pulled.
    /// </summary>
    public ContainerBuilder WithImage(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        return With(_configuration with { ImageReference = reference, Image = null });
    }

    /// <summary>The local images that a reference given to <see cref="WithImage(string)"/> is resolved in.</summary>
    public ContainerBuilder WithLocalImages(LocalImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return With(_configuration with { Images = images });
    }

    /// <summary>The container's name, unique in its engine. Unset: its short id.</summary>
    public ContainerBuilder WithName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return With(_configuration with { Name = name });
    }

    /// <summary>Replaces the image's cmd, as the arguments after the image in <c>docker run</c> do.</summary>
    public ContainerBuilder WithCommand(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return With(_configuration with { Command = [.. command] });
    }

    /// <summary>Replaces the image's entrypoint, as <c>--entrypoint</c> does (which also drops the image's cmd unless <see cref="WithCommand"/> gives one).</summary>
    public ContainerBuilder WithEntrypoint(params string[] entrypoint)
    {
        ArgumentNullException.ThrowIfNull(entrypoint);
        return With(_configuration with { Entrypoint = [.. entrypoint] });
    }

    /// <summary>Sets an environment variable, over the image's value of it and any set before.</summary>
    public ContainerBuilder WithEnvironment(string key, string value)
    {
        ValidateEnvironmentKey(key);
        ArgumentNullException.ThrowIfNull(value);
        return With(_configuration with { Environment = _configuration.Environment.SetItem(key, value) });
    }

    /// <summary>Sets each of <paramref name="environment"/>'s variables, as <see cref="WithEnvironment(string, string)"/> does.</summary>
    public ContainerBuilder WithEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var (key, value) in environment)
        {
            ValidateEnvironmentKey(key);
            ArgumentNullException.ThrowIfNull(value, nameof(environment));
        }

        return With(_configuration with { Environment = _configuration.Environment.SetItems(environment) });
    }

    /// <summary>
    /// Publishes TCP <paramref name="containerPort"/> on a free port of 127.0.0.1, which
    /// <see cref="ThrowawayContainer.GetMappedPort"/> tells once started. The container joins the
    /// engine's default bridge network unless <see cref="WithNetwork"/> names another.
    /// </summary>
    public ContainerBuilder WithPortBinding(int containerPort) => WithPortBinding(new PortBinding(containerPort));

    /// <summary>Publishes TCP <paramref name="containerPort"/> on <paramref name="hostPort"/> of 127.0.0.1; the start fails if that port is taken.</summary>
    public ContainerBuilder WithPortBinding(int hostPort, int containerPort)
    {
        if (hostPort == 0)
        {
            throw new InvalidArgumentException($"host port 0 for container port {containerPort}: for a free port, call WithPortBinding({containerPort})");
        }

        return WithPortBinding(new PortBinding(containerPort, hostPort));
    }

    /// <summary>
    /// Mounts the host's <paramref name="hostPath"/> at <paramref name="containerPath"/>, as
    /// <c>-v host:container[:ro]</c> does. Both are absolute; the host path must exist.
    /// </summary>
    public ContainerBuilder WithBindMount(string hostPath, string containerPath, bool readOnly = false)
    {
        RequireAbsolute(hostPath, "bind mount's host path");
        RequireAbsolute(containerPath, "bind mount's container path");
        var mount = new VolumeMount(VolumeMountKind.Bind, hostPath, containerPath) { ReadOnly = readOnly };
        return With(_configuration with { Mounts = _configuration.Mounts.Add(mount.Validated()) });
    }

    /// <summary>
    /// The network to join: <c>"bridge"</c> (the engine's default bridge), <c>"host"</c>, <c>"none"</c>,
    /// or a network made with <see cref="ContainerEngine.CreateNetworkAsync"/> on the container's engine.
    /// Containers on one network reach each other by name and alias.
    /// </summary>
    public ContainerBuilder WithNetwork(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return With(_configuration with { Network = name });
    }

    /// <summary>More names the other containers on its network reach it by, besides its name.</summary>
    public ContainerBuilder WithNetworkAliases(params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        foreach (var alias in aliases)
        {
            ArgumentException.ThrowIfNullOrEmpty(alias, nameof(aliases));
        }

        return With(_configuration with { NetworkAliases = _configuration.NetworkAliases.AddRange(aliases) });
    }

    /// <summary>
    /// Limits the container's memory (bytes), CPU time (in CPUs, such as 0.5) and process count,
    /// through its cgroup. A null argument leaves that limit as it was.
    /// </summary>
    /// <exception cref="InvalidArgumentException">A limit is zero or negative.</exception>
    public ContainerBuilder WithResourceLimits(long? memoryBytes = null, double? cpus = null, long? pidsLimit = null)
    {
        if (memoryBytes is <= 0 || cpus is not null && !(cpus > 0 && double.IsFinite(cpus.Value)) || pidsLimit is <= 0)
        {
            throw new InvalidArgumentException($"resource limits must be positive: memory {memoryBytes} bytes, cpus {cpus}, pids {pidsLimit}; leave a limit null to keep it unset");
        }

        return With(_configuration with
        {
            MemoryBytes = memoryBytes ?? _configuration.MemoryBytes,
            Cpus = cpus ?? _configuration.Cpus,
            PidsLimit = pidsLimit ?? _configuration.PidsLimit,
        });
    }

    /// <summary>The absolute working directory of the container's process, made if the image lacks it.</summary>
    public ContainerBuilder WithWorkingDirectory(string path)
    {
        RequireAbsolute(path, "working directory");
        return With(_configuration with { WorkingDirectory = path });
    }

    /// <summary>The user to run as: <c>name</c>, <c>name:group</c>, <c>uid</c> or <c>uid:gid</c>, resolved in the image's <c>/etc/passwd</c> and <c>/etc/group</c>.</summary>
    public ContainerBuilder WithUser(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return With(_configuration with { User = user });
    }

    /// <summary>Adds a label to the container (shown by the engine's inspect), over any with the same key.</summary>
    public ContainerBuilder WithLabel(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return With(_configuration with { Labels = _configuration.Labels.SetItem(key, value) });
    }

    /// <summary>
    /// Adds a condition <see cref="ThrowawayContainer.StartAsync"/> waits for; with several, all
    /// must pass, checked in the order added. <see cref="Wait"/> makes them.
    /// </summary>
    public ContainerBuilder WithWaitStrategy(IWaitStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return With(_configuration with { WaitStrategies = _configuration.WaitStrategies.Add(strategy) });
    }

    /// <summary>How long the wait strategies together may take before the start fails (default one minute).</summary>
    /// <exception cref="InvalidArgumentException">The timeout is not positive.</exception>
    public ContainerBuilder WithStartupTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new InvalidArgumentException($"startup timeout {timeout} is not positive; give a positive time, or Timeout.InfiniteTimeSpan to wait without end");
        }

        return With(_configuration with { StartupTimeout = timeout });
    }

    /// <summary>
    /// Runs the container on <paramref name="engine"/>, which the caller keeps and disposes.
    /// Unset: one engine shared by this process, on a temporary root of its own, made on first
    /// use and removed when the process exits; its containers die with the process even when it
    /// is killed.
    /// </summary>
    public ContainerBuilder WithEngine(ContainerEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return With(_configuration with { Engine = engine });
    }

    /// <summary>Where the container reports its start, readiness and removal.</summary>
    public ContainerBuilder WithLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return With(_configuration with { Logger = logger });
    }

    /// <summary>A container as described so far; it does not exist until <see cref="ThrowawayContainer.StartAsync"/>.</summary>
    /// <exception cref="InvalidArgumentException">No image was given.</exception>
    public ThrowawayContainer Build()
    {
        if (_configuration.Image is null && _configuration.ImageReference is null)
        {
            throw new InvalidArgumentException("the container has no image; call WithImage on the builder before Build");
        }

        return new ThrowawayContainer(_configuration);
    }

    private ContainerBuilder WithPortBinding(PortBinding binding)
    {
        if (_configuration.Ports.Any(other => other.ContainerPort == binding.ContainerPort))
        {
            throw new AlreadyExistsException($"container port {binding.ContainerPort} is published already; publish each container port once");
        }

        return With(_configuration with { Ports = _configuration.Ports.Add(binding) });
    }

    private static void ValidateEnvironmentKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Contains('=', StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"environment variable name \"{key}\" contains '='; pass the name and the value apart");
        }
    }

    private static void RequireAbsolute(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/'))
        {
            throw new InvalidArgumentException($"the {what} \"{path}\" is not absolute; give a path that starts with /");
        }
    }

    private static ContainerBuilder With(ContainerConfiguration configuration) => new(configuration);
}
