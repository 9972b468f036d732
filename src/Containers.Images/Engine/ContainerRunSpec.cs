namespace Containers.Images.Engine;

/// <summary>
/// What <c>docker run</c> is asked for: an image and the settings that override its config.
/// A null override keeps the image's value.
/// </summary>
/// <param name="Image">The image to run.</param>
public sealed partial record ContainerRunSpec(IImage Image)
{
    /// <summary>How the user named the image (Docker's <c>Config.Image</c>), shown by <c>ps</c> and <c>inspect</c>. Null: its digest.</summary>
    public string? ImageName { get; init; }

    /// <summary>A unique name; letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, as Docker allows. Null: the short id.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Replaces the image's entrypoint, as <c>--entrypoint</c> does. A non-empty one also clears the
    /// image's cmd (unless <see cref="Cmd"/> is given); an empty one only clears the entrypoint.
    /// </summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Replaces the image's cmd (the arguments after the image name in <c>docker run</c>).</summary>
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary><c>KEY=value</c> entries added to the image's env; a key the image sets is overridden.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>An absolute working directory, replacing the image's; made (root-owned, 0755) if the rootfs lacks it.</summary>
    public string? WorkingDir { get; init; }

    /// <summary><c>name</c>, <c>name:group</c>, <c>uid</c> or <c>uid:gid</c>, resolved in the container's <c>/etc/passwd</c> and <c>/etc/group</c>.</summary>
    public string? User { get; init; }

    /// <summary>The container's hostname. Null: the first 12 characters of its id, as Docker does.</summary>
    public string? Hostname { get; init; }

    /// <summary>The memory limit in bytes (<c>--memory</c>).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>How many CPUs' worth of time the container may use (<c>--cpus</c>), as a CFS quota over a 100 ms period.</summary>
    public double? Cpus { get; init; }

    /// <summary>The most processes the container may have (<c>--pids-limit</c>).</summary>
    public long? PidsLimit { get; init; }

    /// <summary>Mount the container's root filesystem read-only (<c>--read-only</c>).</summary>
    public bool ReadOnlyRootfs { get; init; }

    /// <summary>Remove the container once it exits (<c>--rm</c>); its anonymous volumes go with it. Refused with a <see cref="Restart"/> policy, as Docker refuses it.</summary>
    public bool AutoRemove { get; init; }

    /// <summary>Key-value metadata kept with the container and shown by inspect (<c>--label</c>); the image's labels are not merged in.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Bind mounts, volumes and tmpfs mounts (<c>-v</c>, <c>--tmpfs</c>); the image's <c>VOLUME</c>s no mount covers become anonymous volumes.</summary>
    public IReadOnlyList<VolumeMount> Mounts { get; init; } = [];

    /// <summary>When the container is started again after it stops by itself (<c>--restart</c>).</summary>
    public RestartPolicy Restart { get; init; } = RestartPolicy.No;
}
