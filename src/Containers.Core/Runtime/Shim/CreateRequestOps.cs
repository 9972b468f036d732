using Containers.Errors;
using Containers.Processes;

namespace Containers.Runtime.Shim;

/// <summary>
/// The plan records a create request adds whichever runtime the shim monitors for: the log the
/// shim writes, and what goes when the owner dies.
/// </summary>
internal static class CreateRequestOps
{
    /// <summary>Checks the request's log and owner-death settings, before anything is made.</summary>
    /// <exception cref="InvalidArgumentException">A path is relative or the root, the log comes with other stdio, or a cleanup without <see cref="ContainerCreateRequest.DieWithOwner"/>.</exception>
    public static void Validate(ContainerCreateRequest request)
    {
        if (request.LogPath is { } log)
        {
            if (request.Stdio != StdioMode.Null)
            {
                throw new InvalidArgumentException($"container {request.Id}: LogPath \"{log}\" takes the container's stdout and stderr, so Stdio must be Null, not {request.Stdio}; read the output from the log");
            }

            RequireAbsolute(request.Id, nameof(ContainerCreateRequest.LogPath), log);
        }

        if (request.OwnerDeathCleanup is not { } cleanup)
        {
            return;
        }

        if (!request.DieWithOwner)
        {
            throw new InvalidArgumentException($"container {request.Id}: OwnerDeathCleanup is carried out when the owner dies, which only a container with DieWithOwner notices; set DieWithOwner");
        }

        foreach (var path in cleanup.Unmount.Concat(cleanup.Remove))
        {
            RequireAbsolute(request.Id, nameof(ContainerCreateRequest.OwnerDeathCleanup), path);
        }
    }

    /// <summary>Adds the request's log and owner-death records to <paramref name="plan"/>.</summary>
    public static void Add(ShimPlan plan, ContainerCreateRequest request)
    {
        if (request.LogPath is { } log)
        {
            plan.Add(ShimOp.LogFile, Normalize(log));
        }

        if (request.OwnerDeathCleanup is not { } cleanup)
        {
            return;
        }

        // A mount under another is detached first, or the one above stays busy.
        foreach (var mount in cleanup.Unmount.Select(Normalize).OrderByDescending(path => path.Count(c => c == '/')))
        {
            plan.Add(ShimOp.OwnerGoneUnmount, mount);
        }

        foreach (var dir in cleanup.Remove)
        {
            plan.Add(ShimOp.OwnerGoneRemove, Normalize(dir));
        }
    }

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static void RequireAbsolute(string id, string setting, string path)
    {
        if (!Path.IsPathFullyQualified(path) || Normalize(path) == "/")
        {
            throw new InvalidArgumentException($"container {id}: {setting} path \"{path}\" must be an absolute path below the root directory");
        }
    }
}
