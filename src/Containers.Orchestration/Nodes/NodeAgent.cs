using System.Collections.Concurrent;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Queue;
using Containers.Orchestration.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Nodes;

/// <summary>
/// The kubelet's loop for one node, over an <see cref="INodeRuntime"/>: it registers the Node and
/// writes its status every <see cref="NodeAgentOptions.StatusUpdateFrequency"/> (the heartbeat the
/// node lifecycle controller watches), runs the pods bound to the node, restarts their containers as
/// the restart policy says (with the kubelet's crash backoff), runs readiness probes, reports each
/// pod's phase, conditions and container statuses, and finishes graceful deletions: it stops the
/// pod, then deletes it for good. Pod keys and the node's own key share one work queue, so a key is
/// synced by one worker at a time and the queue shows when the agent is idle.
/// </summary>
public sealed partial class NodeAgent : IReconciler, IAsyncDisposable
{
    private readonly IApiClient _client;
    private readonly INodeRuntime _runtime;
    private readonly NodeAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<NamespacedName, PodRecord> _pods = new();
    private readonly ConcurrentDictionary<string, NamespacedName> _byUid = new(StringComparer.Ordinal);
    private readonly NamespacedName _nodeKey;
    private InformerFactory? _informers;
    private Informer<Pod>? _podInformer;
    private WorkQueue<NamespacedName>? _queue;
    private CancellationTokenSource? _stop;
    private Task? _running;

    public NodeAgent(IApiClient client, INodeRuntime runtime, NodeAgentOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _runtime = runtime;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<NodeAgent>();
        _nodeKey = new NamespacedName(null, options.NodeName);
    }

    public string NodeName => _options.NodeName;

    public INodeRuntime Runtime => _runtime;

    /// <summary>True between <see cref="StartAsync"/> and <see cref="StopAsync"/>.</summary>
    public bool IsRunning => _running is { IsCompleted: false };

    /// <summary>The agent's informers while it runs.</summary>
    public InformerFactory? Informers => _informers;

    /// <summary>True while running with a synced cache and nothing queued or being synced.</summary>
    public bool IsIdle => IsRunning && _informers is { HasSynced: true } && _queue is { IsIdle: true };

    /// <summary>Registers the node, then runs its pods until <see cref="StopAsync"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_running is not null)
        {
            throw new FailedPreconditionException($"the agent of node {NodeName} is already running: stop it first");
        }

        await SyncNodeAsync(cancellationToken).ConfigureAwait(false);
        _stop = new CancellationTokenSource();
        _queue = new WorkQueue<NamespacedName>(_time);
        _informers = new InformerFactory(_client, _time, _loggers);
        _podInformer = _informers.Create<Pod>(new InformerOptions { FieldSelector = FieldSelector.Equal("spec.nodeName", NodeName) });
        var queue = _queue;
        _podInformer.AddEventHandler(InformerHandler.ForAll<Pod>(p => queue.Add(p.Key)));
        _runtime.PodChanged += OnPodChanged;
        _informers.Start(_stop.Token);
        queue.AddAfter(_nodeKey, _options.StatusUpdateFrequency);
        var controller = new Controller("node-agent/" + NodeName, this, queue, _options.Workers, _logger);
        _running = controller.RunAsync(_stop.Token);
        await _informers.WaitForCacheSyncAsync(cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, NodeName);
    }

    /// <summary>
    /// Stops reporting and syncing, as when the agent dies: the node's heartbeat stops, and the pods
    /// the runtime runs keep running, unobserved.
    /// </summary>
    public async Task StopAsync()
    {
        if (_running is not { } running)
        {
            return;
        }

        _runtime.PodChanged -= OnPodChanged;
        await _stop!.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        await _informers!.DisposeAsync().ConfigureAwait(false);
        _queue!.Dispose();
        _stop.Dispose();
        _running = null;
        _informers = null;
        _queue = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Syncs the node's status (the key without a namespace) or one pod.</summary>
    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (key == _nodeKey)
        {
            await SyncNodeAsync(cancellationToken).ConfigureAwait(false);
            return ReconcileResult.After(_options.StatusUpdateFrequency);
        }

        var pod = _podInformer!.Cache.Get(key);
        _pods.TryGetValue(key, out var record);
        if (pod is null || (record is not null && record.Uid != pod.Metadata.Uid))
        {
            // Gone from the API (or replaced by a namesake): nothing of the old pod may keep running.
            if (record is not null)
            {
                await KillAsync(key, record, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }

            if (pod is null)
            {
                return ReconcileResult.Done;
            }

            record = null;
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            await FinishDeletionAsync(pod, record, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (pod.Status.Phase is PodPhase.Succeeded or PodPhase.Failed)
        {
            if (record is { Stopped: false })
            {
                await _runtime.StopPodSandboxAsync(record.SandboxId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                record.Stopped = true;
            }

            return ReconcileResult.Done;
        }

        return await SyncPodAsync(pod, record, cancellationToken).ConfigureAwait(false);
    }

    private void OnPodChanged(object? sender, PodRuntimeEventArgs e)
    {
        if (_byUid.TryGetValue(e.PodUid, out var key))
        {
            _queue?.Add(key);
        }
    }

    private async Task SyncNodeAsync(CancellationToken cancellationToken)
    {
        var node = await _client.GetAsync<Node>(_nodeKey, cancellationToken).ConfigureAwait(false);
        if (node is null)
        {
            var labels = new Dictionary<string, string>(_options.Labels, StringComparer.Ordinal)
            {
                [WellKnownLabels.Hostname] = NodeName,
                [WellKnownLabels.OperatingSystem] = "linux",
                [WellKnownLabels.Architecture] = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64",
            };
            node = new Node
            {
                Metadata = new ObjectMeta { Name = NodeName, Labels = labels },
                Spec = new NodeSpec { Taints = _options.Taints },
            };
            node = await _client.CreateAsync(node with { Status = NodeStatusNow(node.Status) }, cancellationToken).ConfigureAwait(false);
            Log.Registered(_logger, NodeName);
            return;
        }

        await _client.UpdateStatusRetryingAsync(node, n => n with { Status = NodeStatusNow(n.Status) }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private NodeStatus NodeStatusNow(NodeStatus status)
    {
        var now = _time.GetUtcNow();
        var conditions = status.Conditions;
        conditions = Conditions.Set(conditions, NodeCondition(NodeConditionType.MemoryPressure, ConditionStatus.False, "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now));
        conditions = Conditions.Set(conditions, NodeCondition(NodeConditionType.DiskPressure, ConditionStatus.False, "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now));
        conditions = Conditions.Set(conditions, NodeCondition(NodeConditionType.PidPressure, ConditionStatus.False, "KubeletHasSufficientPID", "kubelet has sufficient PID available", now));
        conditions = Conditions.Set(conditions, NodeCondition(NodeConditionType.Ready, ConditionStatus.True, "KubeletReady", "kubelet is posting ready status", now));
        var addresses = new List<NodeAddress> { new() { Type = "Hostname", Address = NodeName } };
        if (_options.InternalIp is { } ip)
        {
            addresses.Insert(0, new NodeAddress { Type = "InternalIP", Address = ip });
        }

        return status with
        {
            Capacity = _options.Capacity,
            Allocatable = _options.Allocatable ?? _options.Capacity,
            Conditions = conditions,
            Addresses = addresses,
            NodeInfo = new NodeSystemInfo
            {
                OperatingSystem = "linux",
                Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
                KubeletVersion = "v1.33.0-containers",
                ContainerRuntimeVersion = _runtime.GetType().Name,
            },
        };
    }

    private static Condition NodeCondition(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastHeartbeatTime = now,
        LastTransitionTime = now,
    };

    private async Task FinishDeletionAsync(Pod pod, PodRecord? record, CancellationToken cancellationToken)
    {
        if (record is not null)
        {
            var grace = TimeSpan.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30);
            await KillAsync(pod.Key, record, grace, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _client.DeleteAsync<Pod>(pod.Key, new DeleteOptions { GracePeriodSeconds = 0, Preconditions = new Store.Preconditions(pod.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
            Log.Deleted(_logger, pod.Key, NodeName);
        }
        catch (NotFoundException)
        {
        }
    }

    private async Task KillAsync(NamespacedName key, PodRecord record, TimeSpan grace, CancellationToken cancellationToken)
    {
        await _runtime.StopPodSandboxAsync(record.SandboxId, grace, cancellationToken).ConfigureAwait(false);
        await _runtime.RemovePodSandboxAsync(record.SandboxId, cancellationToken).ConfigureAwait(false);
        _pods.TryRemove(key, out _);
        _byUid.TryRemove(record.Uid, out _);
    }

    private async Task<ReconcileResult> SyncPodAsync(Pod pod, PodRecord? record, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (record is null)
        {
            var sandboxId = await _runtime.RunPodSandboxAsync(pod, cancellationToken).ConfigureAwait(false);
            record = new PodRecord(pod.Metadata.Uid ?? string.Empty, sandboxId, now);
            _pods[pod.Key] = record;
            _byUid[record.Uid] = pod.Key;
            Log.Started(_logger, pod.Key, NodeName);
        }

        var result = ReconcileResult.Done;
        var sandbox = await _runtime.GetPodSandboxStatusAsync(record.SandboxId, cancellationToken).ConfigureAwait(false);
        var restartPolicy = pod.Spec.RestartPolicy ?? RestartPolicy.Always;
        foreach (var container in pod.Spec.Containers)
        {
            var latest = sandbox?.Containers.Where(c => c.Name == container.Name).MaxBy(c => c.Attempt);
            if (latest is null)
            {
                await _runtime.StartContainerAsync(record.SandboxId, pod, container, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (latest.State != RuntimeContainerState.Exited || !ShouldRestart(restartPolicy, latest.ExitCode))
            {
                continue;
            }

            var restartAt = (latest.FinishedAt ?? now) + RestartDelay(latest.Attempt);
            if (now >= restartAt)
            {
                record.Probes.Remove(container.Name);
                await _runtime.StartContainerAsync(record.SandboxId, pod, container, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = result.Min(ReconcileResult.After(restartAt - now));
            }
        }

        sandbox = await _runtime.GetPodSandboxStatusAsync(record.SandboxId, cancellationToken).ConfigureAwait(false);
        var containers = new List<ContainerStatus>(pod.Spec.Containers.Count);
        foreach (var container in pod.Spec.Containers)
        {
            var attempts = sandbox?.Containers.Where(c => c.Name == container.Name).OrderBy(c => c.Attempt).ToList() ?? [];
            var (status, next) = await ContainerStatusAsync(container, attempts, record, restartPolicy, now, cancellationToken).ConfigureAwait(false);
            containers.Add(status);
            result = result.Min(next);
        }

        var podStatus = PodStatusFrom(pod, containers, restartPolicy, sandbox?.Ip, record.StartedAt, now);
        if (!KubeJson.SemanticEquals(podStatus, pod.Status))
        {
            await _client.UpdateStatusRetryingAsync(pod, p => p with { Status = MergeForeignConditions(podStatus, p.Status) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static bool ShouldRestart(string restartPolicy, int? exitCode) => restartPolicy switch
    {
        RestartPolicy.Never => false,
        RestartPolicy.OnFailure => exitCode != 0,
        _ => true,
    };

    private TimeSpan RestartDelay(int attempt)
    {
        var delay = _options.RestartBackoff * Math.Pow(2, Math.Min(attempt, 20));
        return delay > _options.MaxRestartBackoff ? _options.MaxRestartBackoff : delay;
    }

    private async Task<(ContainerStatus Status, ReconcileResult Next)> ContainerStatusAsync(
        Container container, List<RuntimeContainerStatus> attempts, PodRecord record, string restartPolicy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = attempts.Count > 0 ? attempts[^1] : null;
        var previous = attempts.Count > 1 ? attempts[^2] : null;
        var status = new ContainerStatus
        {
            Name = container.Name,
            Image = container.Image ?? string.Empty,
            ImageID = container.Image ?? string.Empty,
            RestartCount = latest?.Attempt ?? 0,
            ContainerID = latest is null ? null : "containers://" + latest.Id,
            LastState = previous is null ? new ContainerState() : new ContainerState { Terminated = Terminated(previous) },
        };
        if (latest is null)
        {
            return (status with { State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "ContainerCreating" } } }, ReconcileResult.Done);
        }

        if (latest.State == RuntimeContainerState.Exited)
        {
            if (ShouldRestart(restartPolicy, latest.ExitCode))
            {
                return (status with
                {
                    State = new ContainerState
                    {
                        Waiting = new ContainerStateWaiting
                        {
                            Reason = "CrashLoopBackOff",
                            Message = $"back-off {RestartDelay(latest.Attempt).TotalSeconds:0}s restarting failed container={container.Name}",
                        },
                    },
                    LastState = new ContainerState { Terminated = Terminated(latest) },
                    Started = false,
                }, ReconcileResult.Done);
            }

            return (status with { State = new ContainerState { Terminated = Terminated(latest) }, Started = false }, ReconcileResult.Done);
        }

        var (ready, next) = await ReadinessAsync(container, latest, record, now, cancellationToken).ConfigureAwait(false);
        return (status with
        {
            State = new ContainerState { Running = new ContainerStateRunning { StartedAt = latest.StartedAt } },
            Ready = ready,
            Started = true,
        }, next);
    }

    /// <summary>
    /// Whether a running container is ready: always without a readiness probe; with one, not before
    /// initialDelaySeconds, then by the probe, run every periodSeconds, turning ready after
    /// successThreshold successes and unready after failureThreshold failures in a row.
    /// </summary>
    private async Task<(bool Ready, ReconcileResult Next)> ReadinessAsync(Container container, RuntimeContainerStatus running, PodRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (container.ReadinessProbe is not { } probe)
        {
            return (true, ReconcileResult.Done);
        }

        if (!record.Probes.TryGetValue(container.Name, out var state) || state.ContainerId != running.Id)
        {
            state = new ProbeState(running.Id, (running.StartedAt ?? now).AddSeconds(probe.InitialDelaySeconds ?? 0));
            record.Probes[container.Name] = state;
        }

        var period = TimeSpan.FromSeconds(probe.PeriodSeconds is > 0 ? probe.PeriodSeconds.Value : 10);
        if (now >= state.NextProbe)
        {
            var result = await _runtime.ProbeAsync(running.Id, probe, cancellationToken).ConfigureAwait(false);
            if (result == ProbeResult.Success)
            {
                state.Successes++;
                state.Failures = 0;
                if (state.Successes >= Math.Max(1, probe.SuccessThreshold ?? 1))
                {
                    state.Ready = true;
                }
            }
            else if (result == ProbeResult.Failure)
            {
                state.Failures++;
                state.Successes = 0;
                if (!state.Ready || state.Failures >= Math.Max(1, probe.FailureThreshold ?? 3))
                {
                    state.Ready = false;
                }
            }

            state.NextProbe = now + period;
        }

        return (state.Ready, ReconcileResult.After(state.NextProbe - now));
    }

    private static ContainerStateTerminated Terminated(RuntimeContainerStatus c) => new()
    {
        ExitCode = c.ExitCode ?? 0,
        Reason = c.Reason,
        StartedAt = c.StartedAt,
        FinishedAt = c.FinishedAt,
        ContainerID = "containers://" + c.Id,
    };

    private PodStatus PodStatusFrom(Pod pod, List<ContainerStatus> containers, string restartPolicy, string? ip, DateTimeOffset startedAt, DateTimeOffset now)
    {
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var c in containers)
        {
            if (c.State.Running is not null)
            {
                running++;
            }
            else if (c.State.Terminated is { } t)
            {
                stopped++;
                succeeded += t.ExitCode == 0 ? 1 : 0;
            }
            else if (c.LastState.Terminated is not null)
            {
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        var phase = (waiting, running, stopped) switch
        {
            ( > 0, _, _) => PodPhase.Pending,
            (_, > 0, _) => PodPhase.Running,
            (_, 0, > 0) when restartPolicy == RestartPolicy.Always => PodPhase.Running,
            (_, 0, > 0) when stopped == succeeded => PodPhase.Succeeded,
            (_, 0, > 0) when restartPolicy == RestartPolicy.OnFailure => PodPhase.Running,
            (_, 0, > 0) => PodPhase.Failed,
            _ => PodPhase.Pending,
        };
        var allReady = containers.Count > 0 && containers.All(c => c.Ready);
        var notReady = string.Join(", ", containers.Where(c => !c.Ready).Select(c => c.Name));
        var conditions = pod.Status.Conditions;
        conditions = Conditions.Set(conditions, PodCondition(PodConditionType.Initialized, true, null, now));
        conditions = Conditions.Set(conditions, PodCondition(PodConditionType.ContainersReady, allReady, allReady ? null : $"containers with unready status: [{notReady}]", now));
        conditions = Conditions.Set(conditions, PodCondition(PodConditionType.Ready, allReady, allReady ? null : $"containers with unready status: [{notReady}]", now));
        conditions = Conditions.Set(conditions, PodCondition(PodConditionType.PodScheduled, true, null, now));
        return pod.Status with
        {
            Phase = phase,
            Conditions = conditions,
            HostIP = _options.InternalIp,
            PodIP = ip,
            PodIPs = ip is null ? [] : [new PodIP { Ip = ip }],
            StartTime = pod.Status.StartTime ?? startedAt,
            ContainerStatuses = containers,
            QosClass = pod.Status.QosClass ?? QosClass(pod),
        };
    }

    private static Condition PodCondition(string type, bool status, string? message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status ? ConditionStatus.True : ConditionStatus.False,
        Reason = status ? null : message is null ? null : "ContainersNotReady",
        Message = message,
        LastTransitionTime = now,
    };

    /// <summary>Keeps conditions others own (DisruptionTarget, readiness gates) from the newest stored status.</summary>
    private static PodStatus MergeForeignConditions(PodStatus ours, PodStatus stored)
    {
        var conditions = ours.Conditions;
        foreach (var c in stored.Conditions)
        {
            if (c.Type is not (PodConditionType.Initialized or PodConditionType.ContainersReady or PodConditionType.Ready or PodConditionType.PodScheduled)
                && Conditions.Find(conditions, c.Type) is null)
            {
                conditions = Conditions.Set(conditions, c);
            }
        }

        return ours with { Conditions = conditions };
    }

    private static string QosClass(Pod pod)
    {
        var containers = pod.Spec.Containers;
        if (containers.All(c => c.Resources.Requests.Count == 0 && c.Resources.Limits.Count == 0))
        {
            return "BestEffort";
        }

        var guaranteed = containers.All(c =>
            c.Resources.Limits.TryGetValue(ResourceNames.Cpu, out var cpu) && c.Resources.Limits.TryGetValue(ResourceNames.Memory, out var memory)
            && (!c.Resources.Requests.TryGetValue(ResourceNames.Cpu, out var rc) || rc == cpu)
            && (!c.Resources.Requests.TryGetValue(ResourceNames.Memory, out var rm) || rm == memory));
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private sealed class PodRecord(string uid, string sandboxId, DateTimeOffset startedAt)
    {
        public string Uid => uid;

        public string SandboxId => sandboxId;

        public DateTimeOffset StartedAt => startedAt;

        public bool Stopped { get; set; }

        public Dictionary<string, ProbeState> Probes { get; } = new(StringComparer.Ordinal);
    }

    private sealed class ProbeState(string containerId, DateTimeOffset firstProbe)
    {
        public string ContainerId => containerId;

        public DateTimeOffset NextProbe { get; set; } = firstProbe;

        public int Successes { get; set; }

        public int Failures { get; set; }

        public bool Ready { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Node agent of {Node} started")]
        public static partial void Started(ILogger logger, string node);

        [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Registered node {Node}")]
        public static partial void Registered(ILogger logger, string node);

        [LoggerMessage(EventId = 8103, Level = LogLevel.Debug, Message = "Started pod {Pod} on {Node}")]
        public static partial void Started(ILogger logger, NamespacedName pod, string node);

        [LoggerMessage(EventId = 8104, Level = LogLevel.Debug, Message = "Stopped and deleted pod {Pod} on {Node}")]
        public static partial void Deleted(ILogger logger, NamespacedName pod, string node);
    }
}
