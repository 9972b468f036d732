using Containers.Errors;
using Containers.Images.Build.Cache;
using Containers.Images.Build.Context;
using Containers.Images.Build.Dockerfile;
using Containers.Images.Build.Steps;
using Containers.Images.Engine;

namespace Containers.Images.Build.Execution;

internal sealed partial class BuildSession
{
    private static readonly string[] DefaultShell = ["/bin/sh", "-c"];

    /// <summary>Applies one instruction to <paramref name="state"/>.</summary>
    private async Task<BuildState> ExecuteAsync(StageRun stage, BuildState state, Instruction instruction, CancellationToken cancellationToken)
    {
        try
        {
            return instruction switch
            {
                RunInstruction run => await RunAsync(stage, state, run, cancellationToken).ConfigureAwait(false),
                CopyOrAddInstruction copy => await CopyAsync(stage, state, copy, cancellationToken).ConfigureAwait(false),
                WorkdirInstruction workdir => await WorkdirAsync(stage, state, workdir, cancellationToken).ConfigureAwait(false),
                _ => Configure(stage, state, instruction),
            };
        }
        catch (InvalidArgumentException e) when (!e.Message.StartsWith(_document.FileName + ":", StringComparison.Ordinal) && !e.Message.StartsWith("ONBUILD", StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"{Describe(instruction)}: {e.Message}", e);
        }
    }

    /// <summary>The instructions that change only the config: one history entry each, with no layer.</summary>
    private BuildState Configure(StageRun stage, BuildState state, Instruction instruction)
    {
        var scope = stage.Scope;
        var env = scope.Environment(state.Config);
        string Word(string word) => Expand(instruction, word, env);
        switch (instruction)
        {
            case ArgInstruction arg:
                scope.Declare(arg, _expander, env);
                return Config(state, instruction.Original.Trim(), c => c);
            case EnvInstruction set:
                var variables = new List<string>();
                foreach (var (key, value) in set.Variables)
                {
                    var name = Word(key);
                    var expanded = Word(value);
                    env[name] = expanded;
                    variables.Add($"{name}={expanded}");
                }

                return Config(state, "ENV " + string.Join(' ', variables), c => c with { Env = Mutate.MergeEnv(c.Env, variables) });
            case LabelInstruction label:
                var labels = label.Labels.Select(l => new KeyValuePair<string, string?>(Word(l.Key), Word(l.Value))).ToList();
                return Config(state, "LABEL " + string.Join(' ', labels.Select(l => $"{l.Key}={l.Value}")), c => c with { Labels = Mutate.MergeLabels(c.Labels, labels) });
            case UserInstruction user:
                var who = Word(user.User);
                return Config(state, "USER " + who, c => c with { User = who });
            case ExposeInstruction expose:
                var ports = expose.Ports.Select(Word).SelectMany(p => ConfigChanges.Ports(expose.Original, p)).ToList();
                return Config(state, "EXPOSE " + BuildHistory.Set(ports), c => c with { ExposedPorts = Mutate.MergePorts(c.ExposedPorts, ports) });
            case VolumeInstruction volume:
                var paths = volume.Paths.Select(Word).ToList();
                if (paths.Any(p => p.Length == 0))
                {
                    throw new InvalidArgumentException($"{Describe(instruction)}: a VOLUME path is empty");
                }

                return Config(state, "VOLUME " + BuildHistory.Plain(paths), c => c with { Volumes = Volumes(c.Volumes, paths) });
            case StopSignalInstruction stop:
                var signal = Word(stop.Signal);
                return Config(state, "STOPSIGNAL " + signal, c => c with { StopSignal = signal });
            case CmdInstruction cmd:
                var cmdArgs = Args(state.Config, cmd.Command);
                stage.CmdSet = true;
                return Config(state, "CMD " + BuildHistory.Quoted(cmdArgs), c => c with { Cmd = cmdArgs });
            case EntrypointInstruction entrypoint:
                var entryArgs = Args(state.Config, entrypoint.Command);
                var keepCmd = stage.CmdSet;
                return Config(state, "ENTRYPOINT " + BuildHistory.Quoted(entryArgs), c => c with { Entrypoint = entryArgs, Cmd = keepCmd ? c.Cmd : null });
            case ShellInstruction shell:
                var shellArgs = shell.Shell.ToArray();
                return Config(state, "SHELL " + BuildHistory.Plain(shellArgs), c => c with { Shell = shellArgs });
            case HealthcheckInstruction check:
                var health = Healthcheck(check);
                return Config(state, "HEALTHCHECK " + BuildHistory.Quoted(health.Test ?? []), c => c with { Healthcheck = health });
            case OnBuildInstruction onBuild:
                return Config(state, "ONBUILD " + onBuild.TriggerText, c => c with { OnBuild = [.. c.OnBuild ?? [], onBuild.TriggerText] });
            case MaintainerInstruction maintainer:
                var next = Config(state, "MAINTAINER " + maintainer.Name, c => c);
                return next with { Author = maintainer.Name };
            default:
                throw new InvalidArgumentException($"{Describe(instruction)}: {instruction.Keyword} is not supported by this builder");
        }
    }

    /// <summary>A config-only step: the edit, and a history entry with no layer; the cache key chains the instruction.</summary>
    private BuildState Config(BuildState state, string createdBy, Func<ContainerConfig, ContainerConfig> edit)
    {
        var key = BuildCache.KeyOf(state.CacheKey, createdBy);
        return state.WithConfig(edit, BuildHistory.Entry(createdBy, _time.GetUtcNow()), key);
    }

    /// <summary>WORKDIR: the config's working directory, and (as BuildKit does) the directory itself when the filesystem lacks it.</summary>
    private async Task<BuildState> WorkdirAsync(StageRun stage, BuildState state, WorkdirInstruction workdir, CancellationToken cancellationToken)
    {
        var path = Expand(workdir, workdir.Path, stage.Scope.Environment(state.Config));
        if (path.Length == 0)
        {
            throw new InvalidArgumentException($"{Describe(workdir)}: the working directory is empty");
        }

        var current = string.IsNullOrEmpty(state.Config.WorkingDir) ? "/" : state.Config.WorkingDir;
        var absolute = ContextPath.Clean(path.StartsWith('/') ? path : $"{current}/{path}");
        var createdBy = "WORKDIR " + absolute;
        var configured = state with { Config = state.Config with { WorkingDir = absolute } };
        var key = BuildCache.KeyOf(state.CacheKey, createdBy);
        var step = new CopyStep { Destination = absolute + "/", Description = Describe(workdir) };
        return await LayerStepAsync(stage, configured, key, createdBy, () => _copy.CopyAsync(configured, step, [], cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A step that may write files: from the cache when it has the key (no work at all), else made
    /// by <paramref name="make"/> and recorded. No layer when the step changed nothing.
    /// </summary>
    private async Task<BuildState> LayerStepAsync(StageRun stage, BuildState state, string key, string createdBy, Func<Task<ILayer?>> make, CancellationToken cancellationToken)
    {
        if (!_request.NoCache && await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } record)
        {
            Interlocked.Increment(ref _cachedSteps);
            stage.Cached = true;
            var cached = BuildHistory.Entry(createdBy, record.Created);
            return _cache.LayerOf(record) is { } cachedLayer ? state.WithLayer(cachedLayer, cached, key) : state.WithEmptyStep(cached, key);
        }

        var layer = await make().ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await _cache.PutAsync(key, new CacheRecord { Created = now, Digest = layer?.Digest, DiffId = layer?.DiffId, Size = layer?.Size ?? 0, MediaType = layer?.MediaType }, cancellationToken).ConfigureAwait(false);
        var entry = BuildHistory.Entry(createdBy, now);
        if (layer is null)
        {
            return state.WithEmptyStep(entry, key);
        }

        Interlocked.Increment(ref _layersWritten);
        return state.WithLayer(layer, entry, key);
    }

    /// <summary>A command's arguments: exec form as it is, shell form through the stage's SHELL.</summary>
    private static IReadOnlyList<string> Args(ContainerConfig config, ShellOrExec command) => command switch
    {
        ShellOrExec.Exec exec => [.. exec.Arguments],
        ShellOrExec.Shell shell => [.. config.Shell is { Count: > 0 } custom ? custom : DefaultShell, shell.Command],
        _ => throw new InvalidArgumentException("a command is neither shell nor exec form"),
    };

    private static HealthConfig Healthcheck(HealthcheckInstruction check)
    {
        if (check.IsNone)
        {
            return new HealthConfig { Test = ["NONE"] };
        }

        IReadOnlyList<string> test = check.Command switch
        {
            ShellOrExec.Shell shell => ["CMD-SHELL", shell.Command],
            ShellOrExec.Exec exec => ["CMD", .. exec.Arguments],
            _ => throw new InvalidArgumentException("HEALTHCHECK has no command"),
        };
        return new HealthConfig
        {
            Test = test,
            Interval = Nanoseconds(check.Interval),
            Timeout = Nanoseconds(check.Timeout),
            StartPeriod = Nanoseconds(check.StartPeriod),
            StartInterval = Nanoseconds(check.StartInterval),
            Retries = check.Retries,
        };
    }

    /// <summary>
    /// What one stage's instructions share besides the state: its ARG scope, whether it has set CMD
    /// (then ENTRYPOINT keeps it), its current step's number and whether the cache answered it.
    /// </summary>
    private sealed class StageRun(BuildStage stage, ArgScope scope, int firstStep)
    {
        public BuildStage Stage { get; } = stage;

        public ArgScope Scope { get; } = scope;

        public bool CmdSet { get; set; }

        /// <summary>The step being run; the stage's FROM is <c>firstStep</c>.</summary>
        public int Step { get; set; } = firstStep - 1;

        public bool Cached { get; set; }
    }

    private static long? Nanoseconds(TimeSpan? value) => value is { } span ? span.Ticks * 100 : null;

    private static SortedDictionary<string, EmptyObject> Volumes(IReadOnlyDictionary<string, EmptyObject>? existing, IEnumerable<string> paths)
    {
        var set = new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var path in (existing?.Keys ?? []).Concat(paths))
        {
            set[path] = EmptyObject.Instance;
        }

        return set;
    }
}
