using System.CommandLine;
using System.Globalization;
using Containers.Errors;
using Containers.Images;
using Containers.Images.Engine;
using Containers.Networking.Ports;

namespace Containers.Cli.Arguments;

/// <summary>
/// The flags of <c>containers run</c> and <c>containers create</c>, named as docker's, and how they
/// become a <see cref="ContainerRunSpec"/>. Parsing checks every value before the image is looked
/// up, so that a bad flag fails fast.
/// </summary>
internal sealed class ContainerOptions
{
    public Option<string?> Name { get; } = new("--name") { Description = "A name for the container" };

    public Option<string[]> Env { get; } = new("--env", "-e") { Description = "Set a variable, KEY=value, or pass KEY from this shell's environment (repeatable)" };

    public Option<string[]> EnvFile { get; } = new("--env-file") { Description = "Read variables from a file of KEY=value lines (repeatable)" };

    public Option<string[]> Volume { get; } = new("--volume", "-v") { Description = "Mount SRC:DST[:ro]: a host path or a named volume (repeatable)" };

    public Option<string[]> Publish { get; } = new("--publish", "-p") { Description = "Publish a container port on the host: [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/udp] (repeatable; the host address defaults to 127.0.0.1)" };

    public Option<string?> Network { get; } = new("--network", "--net") { Description = "none, host, bridge or the name of a network (default: bridge)" };

    public Option<string[]> NetworkAlias { get; } = new("--network-alias") { Description = "Another name the containers on its network know it by (repeatable)" };

    public Option<string[]> Tmpfs { get; } = new("--tmpfs") { Description = "Mount a tmpfs at this path in the container (repeatable)" };

    public Option<string?> Memory { get; } = new("--memory", "-m") { Description = "Memory limit with a unit: b, k, m or g (512m)" };

    public Option<string?> Cpus { get; } = new("--cpus") { Description = "How many CPUs' worth of time (1.5)" };

    public Option<long?> PidsLimit { get; } = new("--pids-limit") { Description = "The most processes the container may have (-1 or 0: no limit)" };

    public Option<string?> Workdir { get; } = new("--workdir", "-w") { Description = "The working directory inside the container" };

    public Option<string?> User { get; } = new("--user", "-u") { Description = "name, name:group, uid or uid:gid" };

    public Option<string?> Entrypoint { get; } = new("--entrypoint") { Description = "Replace the image's entrypoint (\"\" clears it)" };

    public Option<string?> Hostname { get; } = new("--hostname", "-h") { Description = "The container's hostname" };

    public Option<bool> ReadOnly { get; } = new("--read-only") { Description = "Mount the container's root filesystem read-only" };

    public Option<string?> Restart { get; } = new("--restart") { Description = "no, on-failure[:max-retries], always or unless-stopped" };

    public Option<bool> Remove { get; } = new("--rm") { Description = "Remove the container when it exits" };

    public Argument<string> Image { get; } = new("image") { Description = "The image: a name in the local store (busybox, app:1.0)" };

    public Argument<string[]> Command { get; } = new("command") { Description = "The command and its arguments (default: the image's)", Arity = ArgumentArity.ZeroOrMore };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Name, Env, EnvFile, Volume, Tmpfs, Publish, Network, NetworkAlias, Memory, Cpus, PidsLimit, Workdir, User, Entrypoint, Hostname, ReadOnly, Restart, Remove })
        {
            command.Add(option);
        }

        command.Add(Image);
        command.Add(Command);
    }

    /// <summary>Reads and checks every flag; the image is not looked up yet.</summary>
    /// <exception cref="InvalidArgumentException">A flag's value is not valid; the message names it.</exception>
    public async Task<ContainerSettings> ParseAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var env = await EnvironmentArguments.ReadAsync(result.GetValue(EnvFile) ?? [], result.GetValue(Env) ?? [], cancellationToken).ConfigureAwait(false);
        var memory = result.GetValue(Memory) is { } m ? ByteSize.Parse(m, "--memory") : (long?)null;
        if (memory is < MinimumMemory)
        {
            throw new InvalidArgumentException($"invalid --memory \"{result.GetValue(Memory)}\": the smallest memory limit is 6m");
        }

        var cpus = result.GetValue(Cpus) is { } c ? ParseCpus(c) : (double?)null;
        var pids = result.GetValue(PidsLimit) switch
        {
            null or 0 => (long?)null,
            < -1 and var p => throw new InvalidArgumentException($"invalid --pids-limit {p}: give a positive number, or -1 for no limit"),
            var p => p,
        };
        var ports = (result.GetValue(Publish) ?? []).Select(PortBinding.Parse).ToArray();
        IReadOnlyList<VolumeMount> mounts =
        [
            .. (result.GetValue(Volume) ?? []).Select(VolumeMount.Parse),
            .. (result.GetValue(Tmpfs) ?? []).Select(target => new VolumeMount(VolumeMountKind.Tmpfs, "", target.Split(':')[0])),
        ];
        var restart = result.GetValue(Restart) is { } policy ? RestartPolicy.Parse(policy) : RestartPolicy.No;
        var command = result.GetValue(Command) ?? [];
        var image = result.GetRequiredValue(Image);
        // The image is looked up after every flag has been checked; it takes its place then.
        return new ContainerSettings(new ContainerRunSpec(Images.Image.Empty())
        {
            ImageName = image,
            Name = result.GetValue(Name),
            Env = env,
            MemoryBytes = memory,
            Cpus = cpus,
            PidsLimit = pids,
            WorkingDir = result.GetValue(Workdir),
            User = result.GetValue(User),
            // docker run --entrypoint takes one word; "" clears the image's.
            Entrypoint = result.GetValue(Entrypoint) is { } e ? (e.Length == 0 ? [] : [e]) : null,
            Cmd = command.Length > 0 ? command : null,
            Hostname = result.GetValue(Hostname),
            ReadOnlyRootfs = result.GetValue(ReadOnly),
            AutoRemove = result.GetValue(Remove),
            Mounts = mounts,
            Ports = ports,
            Network = result.GetValue(Network),
            NetworkAliases = result.GetValue(NetworkAlias) ?? [],
            Restart = restart,
        });
    }

    // docker's minimum: a smaller limit kills the container before its program runs.
    private const long MinimumMemory = 6 * 1024 * 1024;

    private static double ParseCpus(string text)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) || cpus <= 0)
        {
            throw new InvalidArgumentException($"invalid --cpus \"{text}\": give a positive number of CPUs, such as 0.5 or 2");
        }

        return cpus <= Environment.ProcessorCount
            ? cpus
            : throw new InvalidArgumentException($"invalid --cpus {text}: this machine has {Environment.ProcessorCount} CPUs");
    }
}

/// <summary>The checked flags of <see cref="ContainerOptions"/>: a run spec waiting for its image, named by <see cref="ContainerRunSpec.ImageName"/>.</summary>
internal sealed record ContainerSettings(ContainerRunSpec Spec)
{
    public string ImageName => Spec.ImageName!;

    public ContainerRunSpec ToSpec(IImage image) => Spec with { Image = image };
}
