using Containers.Errors;

namespace Containers.Images.Engine;

/// <summary>
/// The config a committed image gets, as moby builds it: the container's config (the image's,
/// with what the run overrode), then the commit's own settings and changes.
/// </summary>
internal static class CommitConfig
{
    /// <summary>
    /// The container's config as Docker keeps it: the run's cmd, entrypoint, working directory and
    /// user over the image's (a new entrypoint without a cmd drops the image's cmd), and the run's
    /// env over the image's. Unlike the process env, it has no PATH, HOSTNAME or HOME added.
    /// </summary>
    public static ContainerConfig FromRun(ContainerConfig? image, ContainerRunSpec run)
    {
        image ??= new ContainerConfig();
        var entrypoint = run.Entrypoint ?? image.Entrypoint;
        var cmd = run.Cmd is { Count: > 0 } ? run.Cmd : run.Entrypoint is { Count: > 0 } ? null : image.Cmd;
        return image with
        {
            Entrypoint = entrypoint is { Count: > 0 } ? entrypoint : null,
            Cmd = cmd is { Count: > 0 } ? cmd : null,
            Env = Mutate.MergeEnv(image.Env, run.Env.Where(e => e.Contains('=', StringComparison.Ordinal))),
            WorkingDir = run.WorkingDir ?? image.WorkingDir,
            User = run.User ?? image.User,
        };
    }

    /// <summary><paramref name="options"/>' settings over <paramref name="config"/>, then its changes.</summary>
    public static ContainerConfig Apply(ContainerConfig config, CommitOptions options)
    {
        foreach (var variable in options.Env)
        {
            if (variable.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new InvalidArgumentException($"environment variable \"{variable}\" must have the form KEY=value");
            }
        }

        if (options.WorkingDir is { } dir && !dir.StartsWith('/'))
        {
            throw new InvalidArgumentException($"working directory \"{dir}\" must be an absolute path");
        }

        config = config with
        {
            Cmd = options.Cmd ?? config.Cmd,
            Entrypoint = options.Entrypoint ?? config.Entrypoint,
            Env = options.Env.Count == 0 ? config.Env : Mutate.MergeEnv(config.Env, options.Env),
            WorkingDir = options.WorkingDir ?? config.WorkingDir,
            User = options.User ?? config.User,
            ExposedPorts = options.ExposedPorts.Count == 0 ? config.ExposedPorts : Mutate.MergePorts(config.ExposedPorts, options.ExposedPorts.Select(Mutate.NormalizePort)),
            Labels = options.Labels.Count == 0 ? config.Labels : Mutate.MergeLabels(config.Labels, options.Labels),
        };
        return ConfigChanges.Apply(config, options.Changes);
    }
}
