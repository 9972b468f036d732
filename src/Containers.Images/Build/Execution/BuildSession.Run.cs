using System.Text.RegularExpressions;
using Containers.Errors;
using Containers.Images.Build.Cache;
using Containers.Images.Build.Context;
using Containers.Images.Build.Dockerfile;
using Containers.Images.Build.Steps;

namespace Containers.Images.Build.Execution;

internal sealed partial class BuildSession
{
    /// <summary>
    /// RUN: through the cache, keyed by the command and the build arguments it sees (as its
    /// history entry shows them), its network, and what its bind mounts show (the content of a
    /// context source, the layers of a stage); cache mounts and tmpfs do not count, as in BuildKit.
    /// </summary>
    private async Task<BuildState> RunAsync(StageRun stage, BuildState state, RunInstruction run, CancellationToken cancellationToken)
    {
        var description = Describe(run);
        if (run.Security == RunSecurity.Insecure)
        {
            throw new InvalidArgumentException($"{description}: --security=insecure needs an entitlement this builder does not grant; run the step without it");
        }

        var script = ExecutableHeredoc(run);
        var args = script is not null ? [ScriptDirectory + script.Name] : run.Heredocs.IsEmpty ? Args(state.Config, run.Command) : HeredocArgs(state.Config, run);
        var buildArgs = stage.Scope.RunArguments(state.Config);
        var createdBy = BuildHistory.Run(args, buildArgs);
        var env = stage.Scope.Environment(state.Config);
        var network = run.Network switch
        {
            RunNetwork.None => Engine.Networking.NetworkModes.None,
            RunNetwork.Host => Engine.Networking.NetworkModes.Host,
            _ => _request.Network,
        };
        var workingDir = string.IsNullOrEmpty(state.Config.WorkingDir) ? "/" : state.Config.WorkingDir;
        var plans = new List<Func<List<RootfsView>, Task<RunStepMount>>>();
        var keys = new List<string> { network };
        foreach (var written in run.Mounts)
        {
            var mount = written.HasVariables ? written.Expand(word => Expand(run, word, env)) : written;
            var target = mount.Target is { Length: > 0 } t ? ContextPath.Clean(t.StartsWith('/') ? t : $"{workingDir}/{t}") : null;
            if (target is null && mount.Type is RunMountType.Bind or RunMountType.Cache or RunMountType.Tmpfs)
            {
                throw new InvalidArgumentException($"{description}: --mount={mount.Spec} has no target; give target=/path");
            }

            switch (mount.Type)
            {
                case RunMountType.Bind:
                    var (plan, key) = await BindAsync(stage, mount, target!, description, cancellationToken).ConfigureAwait(false);
                    plans.Add(plan);
                    keys.Add(key);
                    break;
                case RunMountType.Cache:
                    if (mount.From is not null)
                    {
                        throw new InvalidArgumentException($"{description}: --mount={mount.Spec}: a cache mount seeded from a stage is not supported; drop from=");
                    }

                    var cache = new CacheStepMount(target!, mount.Id ?? target!, mount.Sharing, mount.ReadOnly, mount.Uid ?? 0, mount.Gid ?? 0, mount.Mode ?? 0b111_101_101);
                    plans.Add(_ => Task.FromResult<RunStepMount>(cache));
                    keys.Add($"cache {target}");
                    break;
                case RunMountType.Tmpfs:
                    var tmpfs = new TmpfsStepMount(target!, mount.SizeLimit);
                    plans.Add(_ => Task.FromResult<RunStepMount>(tmpfs));
                    keys.Add($"tmpfs {target}");
                    break;
                default:
                    if (mount.Required)
                    {
                        throw new InvalidArgumentException($"{description}: --mount={mount.Spec} needs a {mount.Type.ToString().ToLowerInvariant()} the build was not given; this builder takes no secrets or SSH agents");
                    }

                    // As BuildKit: an optional secret or agent that was not given is not mounted.
                    Message(stage, $"{description}: skipping --mount={mount.Spec}: the build was given no {mount.Type.ToString().ToLowerInvariant()}");
                    break;
            }
        }

        if (script is not null)
        {
            keys.Add("script " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script.Content))));
        }

        var stepKey = BuildCache.KeyOf([state.CacheKey, createdBy, .. keys]);
        return await LayerStepAsync(stage, state, stepKey, createdBy, async () =>
        {
            var views = new List<RootfsView>();
            var scriptFile = script is null ? null : _filesystems.NewPath("script");
            try
            {
                var mounts = new List<RunStepMount>();
                if (script is not null)
                {
                    await File.WriteAllTextAsync(scriptFile!, script.Content, cancellationToken).ConfigureAwait(false);
                    File.SetUnixFileMode(scriptFile!, (UnixFileMode)0b111_101_101);
                    mounts.Add(new BindStepMount(ScriptDirectory + script.Name, scriptFile!, ReadOnly: true));
                }

                foreach (var plan in plans)
                {
                    mounts.Add(await plan(views).ConfigureAwait(false));
                }

                var step = new RunStep
                {
                    Args = args,
                    Env = [.. buildArgs.Select(a => $"{a.Key}={a.Value}")],
                    Mounts = mounts,
                    Network = network,
                    Description = description,
                };
                return await _run.RunAsync(state, step, new LineProgress(line => Output(stage, line)), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var view in views)
                {
                    await view.DisposeAsync().ConfigureAwait(false);
                }

                if (scriptFile is not null)
                {
                    File.Delete(scriptFile);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A bind mount's source: in the context (hashed now, for the key) or in a stage or image
    /// (named by its ChainID, and only viewed when the step runs). Read-only unless it says rw;
    /// a writable one's writes are thrown away.
    /// </summary>
    private async Task<(Func<List<RootfsView>, Task<RunStepMount>> Plan, string Key)> BindAsync(StageRun stage, RunMount mount, string target, string description, CancellationToken cancellationToken)
    {
        var source = mount.Source ?? "/";
        if (mount.From is null)
        {
            var tree = SourceTree.ForContext(_context);
            var items = tree.Expand([source], description);
            var hash = await SourceHasher.HashAsync(tree, items, cancellationToken).ConfigureAwait(false);
            var host = Path.Join(tree.Root, items[0].Top.Path);
            return (_ => Task.FromResult<RunStepMount>(new BindStepMount(target, host, mount.ReadOnly)), $"bind {target} context {hash} {mount.ReadOnly}");
        }

        var from = await SourceStateAsync(stage, mount.From, description, cancellationToken).ConfigureAwait(false);
        return (async views =>
        {
            var view = await _filesystems.OpenViewAsync(from.State, cancellationToken).ConfigureAwait(false);
            views.Add(view);
            var tree = SourceTree.ForFilesystem(view.Path, from.Description);
            var item = tree.Expand([source], description)[0];
            return new BindStepMount(target, Path.Join(view.Path, item.Top.Path), mount.ReadOnly);
        }, $"bind {target} {from.Key} {source} {mount.ReadOnly}");
    }

    /// <summary>
    /// The state a <c>--from</c> names: an earlier stage's result, or an image of the local store;
    /// with the key that stands for its files (its ChainID).
    /// </summary>
    private async Task<(BuildState State, string Description, string Key)> SourceStateAsync(StageRun stage, string name, string description, CancellationToken cancellationToken)
    {
        if (ReferencedStage(name, stage.Stage) is { } other)
        {
            var built = _built.TryGetValue(other.Index, out var state)
                ? state
                : throw new InvalidArgumentException($"{description}: stage {other.DisplayName} is not built before this step; name an earlier stage");
            return (built, $"stage {other.DisplayName}", $"stage {built.ChainId?.ToString() ?? "empty"}");
        }

        var image = await ResolveImageAsync(stage, description, name, null, cancellationToken).ConfigureAwait(false);
        var imageState = BuildState.FromImage(image, BuildCache.KeyOf("from", image.Digest.ToString()));
        return (imageState, $"image {name}", $"image {imageState.ChainId?.ToString() ?? "empty"}");
    }

    /// <summary>
    /// A RUN with heredocs: a command that is only a heredoc runs the heredoc as its script, as
    /// BuildKit runs it; otherwise the shell gets the command line with the heredoc bodies after
    /// it, and reads them as here-documents itself.
    /// </summary>
    private static IReadOnlyList<string> HeredocArgs(ContainerConfig config, RunInstruction run)
    {
        if (run.Command is not ShellOrExec.Shell shell)
        {
            return Args(config, run.Command);
        }

        var only = OnlyHeredoc().Match(shell.Command);
        if (only.Success && run.Heredocs.Length == 1)
        {
            return Args(config, new ShellOrExec.Shell(run.Heredocs[0].Content));
        }

        var script = new System.Text.StringBuilder(shell.Command).Append('\n');
        foreach (var heredoc in run.Heredocs)
        {
            script.Append(heredoc.Content).Append(heredoc.Name).Append('\n');
        }

        return Args(config, new ShellOrExec.Shell(script.ToString()));
    }

    /// <summary>Where a heredoc script that names its interpreter is mounted in the step's container, as BuildKit mounts it.</summary>
    private const string ScriptDirectory = "/dev/pipes/";

    /// <summary>
    /// The heredoc of a RUN that is only a heredoc whose first line names its interpreter
    /// (<c>#!/usr/bin/env python3</c>): BuildKit runs such a script as an executable file rather
    /// than through the shell. Null for any other RUN.
    /// </summary>
    private static Heredoc? ExecutableHeredoc(RunInstruction run) =>
        run is { Command: ShellOrExec.Shell shell, Heredocs: [{ } heredoc] } && OnlyHeredoc().IsMatch(shell.Command) && heredoc.Content.StartsWith("#!", StringComparison.Ordinal)
            ? heredoc
            : null;

    [GeneratedRegex("""^\s*<<-?\s*(["']?)[^\s"']+\1\s*$""", RegexOptions.CultureInvariant)]
    private static partial Regex OnlyHeredoc();

    /// <summary>Reports each line as it comes, on the caller's thread (<see cref="Progress{T}"/> would reorder them).</summary>
    private sealed class LineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
