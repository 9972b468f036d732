namespace Containers.Images.Build.Dockerfile;

/// <summary>
/// One <c>RUN --mount=…</c>, parsed from its CSV <c>key=value</c> list. String values are kept as
/// written (they may hold <c>$ARG</c> references); call <see cref="Expand"/> with the build's
/// expander to get the values a step uses.
/// </summary>
/// <param name="Spec">The flag's value as written, e.g. <c>type=cache,target=/root/.cache</c>.</param>
/// <param name="Type">The mount type; <see cref="RunMountType.Bind"/> when not given.</param>
/// <param name="Target">Where it appears in the container (<c>target</c>, <c>dst</c>, <c>destination</c>).</param>
/// <param name="Source">The path inside <see cref="From"/> or the context (<c>source</c>, <c>src</c>); for secrets, the secret id alias.</param>
/// <param name="From">A stage name or image to mount from (bind and cache); null for the context.</param>
/// <param name="Id">The cache or secret id.</param>
/// <param name="Sharing">The cache's sharing mode.</param>
/// <param name="ReadOnly">
/// Read-only (<c>ro</c>/<c>readonly</c>) or not (<c>rw</c>/<c>readwrite</c>); when neither is given,
/// cache and tmpfs mounts are writable and the others read-only.
/// </param>
/// <param name="Mode">The file mode of a cache, secret or ssh mount (octal in the spec).</param>
/// <param name="Uid">The owner of a cache, secret or ssh mount.</param>
/// <param name="Gid">The group of a cache, secret or ssh mount.</param>
/// <param name="Required">For secret and ssh: fail the step when the build was not given it.</param>
/// <param name="SizeLimit">For tmpfs: the size limit in bytes.</param>
/// <param name="Env">For secret: the environment variable to expose it as.</param>
public sealed partial record RunMount(
    string Spec,
    RunMountType Type,
    string? Target,
    string? Source,
    string? From,
    string? Id,
    CacheSharing Sharing,
    bool ReadOnly,
    uint? Mode,
    uint? Uid,
    uint? Gid,
    bool Required,
    long? SizeLimit,
    string? Env);
