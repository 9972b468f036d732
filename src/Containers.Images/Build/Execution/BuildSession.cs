using System.Diagnostics;
using Containers.Errors;
using Containers.Images.Build.Cache;
using Containers.Images.Build.Context;
using Containers.Images.Build.Dockerfile;
using Containers.Images.Engine;

namespace Containers.Images.Build.Execution;

/// <summary>
/// One build of one Dockerfile: the stages the target needs, each from its base through its
/// instructions, in dependency order. Steps that write files go through the cache (a hit does no
/// work); the others only change the state's config. Progress goes out per step.
/// </summary>
internal sealed partial class BuildSession
{
    private readonly DockerfileDocument _document;
    private readonly BuildRequest _request;
    private readonly IBuildContext _context;
    private readonly LocalImages _images;
    private readonly Registry.RegistryClient? _registry;
    private readonly BuildFilesystems _filesystems;
    private readonly RunExecutor _run;
    private readonly CopyExecutor _copy;
    private readonly BuildCache _cache;
    private readonly IProgress<BuildProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly VariableExpander _expander;
    private readonly ArgScope _globals;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, BuildState> _built = new();
    private readonly Dictionary<int, IReadOnlyList<BuildStage>> _dependencies = [];
    private int _stepCount;
    private int _cachedSteps;
    private int _layersWritten;

    public BuildSession(
        DockerfileDocument document,
        BuildRequest request,
        IBuildContext context,
        LocalImages images,
        Registry.RegistryClient? registry,
        ContainerEngine engine,
        BuildFilesystems filesystems,
        BuildCache cache,
        string cacheMounts,
        IProgress<BuildProgress>? progress,
        TimeProvider time,
        Microsoft.Extensions.Logging.ILogger logger)
    {
        _document = document;
        _request = request;
        _context = context;
        _images = images;
        _registry = registry;
        _filesystems = filesystems;
        _cache = cache;
        _progress = progress;
        _time = time;
        _expander = new VariableExpander(document.Directives.Escape);
        _globals = ArgScope.Global(document, request.BuildArgs, _expander, Platform.Current);
        _run = new RunExecutor(engine, filesystems, images.Content, cache.HoldAsync, cacheMounts, logger);
        _copy = new CopyExecutor(filesystems, images.Content, cache.HoldAsync, time);
    }

    public int Steps => _stepCount;

    public int CachedSteps => _cachedSteps;

    public int LayersWritten => _layersWritten;

    public int ContainersCreated => _run.ContainersCreated;

    /// <summary>Builds the target stage and the stages it needs; returns its final state.</summary>
    public async Task<BuildState> BuildAsync(CancellationToken cancellationToken)
    {
        if (_document.Stages.IsEmpty)
        {
            throw new InvalidArgumentException($"{_document.FileName} has no FROM; a Dockerfile starts its first stage with FROM");
        }

        var target = _request.Target is { } name
            ? _document.FindStage(name) ?? throw new NotFoundException(
                $"target stage \"{name}\" is not in {_document.FileName}; its stages are {string.Join(", ", _document.Stages.Select(s => s.DisplayName))}")
            : _document.Stages[^1];
        var order = new List<BuildStage>();
        Order(target, order, []);
        _stepCount = order.Sum(stage => stage.Instructions.Length + 1);

        // Each stage starts once the stages it uses are built, so independent stages build at once;
        // the first failure stops the others.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new Dictionary<int, Task>();
        var firstStep = 1;
        foreach (var stage in order)
        {
            var dependencies = Dependencies(stage).Select(d => tasks[d.Index]).ToArray();
            var first = firstStep;
            firstStep += stage.Instructions.Length + 1;
            tasks[stage.Index] = Task.Run(async () =>
            {
                try
                {
                    await Task.WhenAll(dependencies).ConfigureAwait(false);
                    _built[stage.Index] = await BuildStageAsync(stage, first, failed.Token).ConfigureAwait(false);
                }
                catch
                {
                    await failed.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }, CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A stage's own failure cancelled the others: that failure is the build's.
            throw tasks.Values.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException)
                ?? throw new OperationCanceledException(cancellationToken);
        }

        var state = _built[target.Index];
        if (_request.Labels.Count > 0)
        {
            var labels = _request.Labels.Select(l => new KeyValuePair<string, string?>(l.Key, l.Value)).ToList();
            state = state with { Config = state.Config with { Labels = Mutate.MergeLabels(state.Config.Labels, labels) } };
        }

        return state;
    }

    /// <summary>Puts the stages <paramref name="stage"/> needs, then it, into <paramref name="order"/>.</summary>
    private void Order(BuildStage stage, List<BuildStage> order, HashSet<int> visiting)
    {
        if (order.Contains(stage))
        {
            return;
        }

        if (!visiting.Add(stage.Index))
        {
            throw new InvalidArgumentException($"{_document.FileName}:{stage.From.Location.Line}: stage {stage.DisplayName} depends on itself through FROM, COPY --from or RUN --mount from=");
        }

        foreach (var dependency in Dependencies(stage))
        {
            Order(dependency, order, visiting);
        }

        visiting.Remove(stage.Index);
        order.Add(stage);
    }

    /// <summary>The stages a stage uses: its FROM (when it names an earlier stage), COPY --from and RUN --mount from=.</summary>
    private IReadOnlyList<BuildStage> Dependencies(BuildStage stage)
    {
        if (_dependencies.TryGetValue(stage.Index, out var known))
        {
            return known;
        }

        var env = _globals.FromEnvironment();
        var found = new List<BuildStage>();
        if (BaseStage(stage) is { } parent)
        {
            found.Add(parent);
        }

        foreach (var instruction in stage.Instructions)
        {
            var names = instruction switch
            {
                CopyInstruction { From: { } from } => [from],
                RunInstruction run => run.Mounts.Select(m => m.From).OfType<string>(),
                _ => [],
            };
            foreach (var name in names)
            {
                if (ReferencedStage(ExpandOrKeep(name, env), stage) is { } other && !found.Contains(other))
                {
                    found.Add(other);
                }
            }
        }

        _dependencies[stage.Index] = found;
        return found;
    }

    /// <summary>The earlier stage a stage's FROM names, or null when it names an image or scratch.</summary>
    private BuildStage? BaseStage(BuildStage stage)
    {
        var name = ExpandOrKeep(stage.BaseName, _globals.FromEnvironment());
        return _document.Stages.Take(stage.Index).FirstOrDefault(s => s.Name is not null && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The earlier stage a <c>--from</c> names (by name or index), or null when it names an image.</summary>
    private BuildStage? ReferencedStage(string name, BuildStage self) => _document.FindStage(name, before: self.Index);

    private string ExpandOrKeep(string word, IReadOnlyDictionary<string, string> env)
    {
        try
        {
            return _expander.ExpandWord(word, env);
        }
        catch (InvalidArgumentException)
        {
            return word;
        }
    }

    private async Task<BuildState> BuildStageAsync(BuildStage stage, int firstStep, CancellationToken cancellationToken)
    {
        var from = stage.From;
        var started = Stopwatch.GetTimestamp();
        var run = new StageRun(stage, _globals.ForStage(), firstStep);
        Started(run, from.Original);
        var env = _globals.FromEnvironment();
        var baseName = Expand(from, from.Image, env);
        var platform = from.Platform is { } text ? ParsePlatform(from, Expand(from, text, env)) : null;
        BuildState state;
        if (baseName.Equals("scratch", StringComparison.OrdinalIgnoreCase))
        {
            var target = platform ?? Platform.Current;
            state = BuildState.Scratch(target, BuildCache.KeyOf("scratch", target.ToString()));
        }
        else if (BaseStage(stage) is { } parent)
        {
            state = _built[parent.Index];
        }
        else
        {
            var image = await ResolveImageAsync(run, Where(from), baseName, platform, cancellationToken).ConfigureAwait(false);
            state = BuildState.FromImage(image, BuildCache.KeyOf("from", image.Digest.ToString()));
        }

        if (!(state.Config.Env ?? []).Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            // As BuildKit: a stage whose base sets no PATH gets the default one in its config.
            state = state with { Config = state.Config with { Env = [$"PATH={ImageConfigMerge.DefaultPath}", .. state.Config.Env ?? []] } };
        }

        Finished(run, from.Original, started);
        var triggers = state.Config.OnBuild ?? [];
        if (triggers.Count > 0)
        {
            // As BuildKit: the base's triggers run now, and the new image does not keep them.
            state = state with { Config = state.Config with { OnBuild = null } };
            Message(run, $"Executing {triggers.Count} build trigger{(triggers.Count == 1 ? "" : "s")}");
            foreach (var trigger in DockerfileParser.ParseTriggers(triggers, $"ONBUILD of {baseName}"))
            {
                state = await ExecuteAsync(run, state, trigger, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var instruction in stage.Instructions)
        {
            var stepStarted = Stopwatch.GetTimestamp();
            Started(run, instruction.Original);
            state = await ExecuteAsync(run, state, instruction, cancellationToken).ConfigureAwait(false);
            Finished(run, instruction.Original, stepStarted);
        }

        return state;
    }

    /// <summary>An image of the local store; one it lacks is pulled when the builder has a registry client.</summary>
    /// <param name="where">The instruction that names it, for errors.</param>
    private async Task<IImage> ResolveImageAsync(StageRun stage, string where, string name, Platform? platform, CancellationToken cancellationToken)
    {
        try
        {
            return await _images.ResolveAsync(name, platform, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException e) when (_registry is null || !ImageReference.TryParse(name, out _))
        {
            throw new NotFoundException($"{where}: image \"{name}\" is not in the local store (nor a stage before it); pull it first (containers pull {name}) or load it", e);
        }
        catch (NotFoundException)
        {
            Message(stage, $"Pulling {name}");
            var pulled = await _registry!.PullAsync(_images, ImageReference.Parse(name), new Registry.PullOptions { Platform = platform }, cancellationToken).ConfigureAwait(false);
            return pulled.Image;
        }
    }

    private Platform ParsePlatform(Instruction where, string text)
    {
        try
        {
            return Platform.Parse(text);
        }
        catch (Exception e) when (e is InvalidArgumentException or FormatException)
        {
            throw new InvalidArgumentException($"{Where(where)}: platform \"{text}\" is not os/arch[/variant]", e);
        }
    }

    /// <summary>Expands a word of <paramref name="instruction"/>, an error naming the line.</summary>
    private string Expand(Instruction instruction, string word, IReadOnlyDictionary<string, string> env)
    {
        try
        {
            return _expander.ExpandWord(word, env);
        }
        catch (InvalidArgumentException e)
        {
            throw new InvalidArgumentException($"{Where(instruction)}: {e.Message}", e);
        }
    }

    private string ExpandHeredoc(Instruction instruction, string content, IReadOnlyDictionary<string, string> env)
    {
        try
        {
            return VariableExpander.ExpandHeredoc(content, env);
        }
        catch (InvalidArgumentException e)
        {
            throw new InvalidArgumentException($"{Where(instruction)}: {e.Message}", e);
        }
    }

    /// <summary><c>Dockerfile:7</c>.</summary>
    private string Where(Instruction instruction) => $"{_document.FileName}:{instruction.Location.Line}";

    /// <summary><c>Dockerfile:7: RUN make</c>, for the executors' errors.</summary>
    private string Describe(Instruction instruction) => $"{Where(instruction)}: {instruction.Original.Trim()}";

    /// <summary>Reports the stage's next step's start; FROM counts as a step, as Docker counts it.</summary>
    private void Started(StageRun run, string instruction)
    {
        run.Step++;
        run.Cached = false;
        _progress?.Report(new BuildProgress { Kind = BuildProgressKind.StepStarted, Step = run.Step, StepCount = _stepCount, Stage = run.Stage.DisplayName, Instruction = instruction });
    }

    private void Finished(StageRun run, string instruction, long started) =>
        _progress?.Report(new BuildProgress
        {
            Kind = BuildProgressKind.StepFinished,
            Step = run.Step,
            StepCount = _stepCount,
            Stage = run.Stage.DisplayName,
            Instruction = instruction,
            Cached = run.Cached,
            Duration = Stopwatch.GetElapsedTime(started),
        });

    private void Message(StageRun run, string text) =>
        _progress?.Report(new BuildProgress { Kind = BuildProgressKind.Message, Step = run.Step, StepCount = _stepCount, Stage = run.Stage.DisplayName, Text = text });

    private void Output(StageRun run, string line) =>
        _progress?.Report(new BuildProgress { Kind = BuildProgressKind.Output, Step = run.Step, StepCount = _stepCount, Stage = run.Stage.DisplayName, Text = line });
}
