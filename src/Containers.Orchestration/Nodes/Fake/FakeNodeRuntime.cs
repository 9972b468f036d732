using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Nodes.Fake;

/// <summary>
/// An <see cref="INodeRuntime"/> that runs nothing: sandboxes and containers are records that start
/// at once and run until stopped, or until a test makes one exit (<see cref="ExitContainer"/>).
/// Readiness probes answer what the test set (<see cref="SetProbeResult(NamespacedName, ProbeResult)"/>),
/// <see cref="DefaultProbeResult"/> otherwise. Timestamps come from the <see cref="TimeProvider"/>.
/// </summary>
public sealed class FakeNodeRuntime : INodeRuntime
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly string _ipPrefix;
    private readonly Dictionary<string, Sandbox> _sandboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeContainer> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<(NamespacedName Pod, string? Container), ProbeResult> _probes = [];
    private long _ids;

    /// <param name="timeProvider">The clock of start and finish times.</param>
    /// <param name="ipPrefix">Pod IPs are this prefix and a counter, such as 10.244.1.7.</param>
    public FakeNodeRuntime(TimeProvider? timeProvider = null, string ipPrefix = "10.244.0.")
    {
        _time = timeProvider ?? TimeProvider.System;
        _ipPrefix = ipPrefix;
    }

    public event EventHandler<PodRuntimeEventArgs>? PodChanged;

    /// <summary>What a probe answers when the test set nothing for the pod; Success unless changed.</summary>
    public ProbeResult DefaultProbeResult { get; set; } = ProbeResult.Success;

    /// <summary>How many probes ran, for tests that check probing happens.</summary>
    public int ProbeCount { get; private set; }

    /// <summary>The sandboxes that are not stopped.</summary>
    public IReadOnlyList<NamespacedName> RunningPods
    {
        get
        {
            lock (_lock)
            {
                return [.. _sandboxes.Values.Where(s => s.Ready).Select(s => s.Pod)];
            }
        }
    }

    /// <summary>Sets what probes of every container of <paramref name="pod"/> answer from now on.</summary>
    public void SetProbeResult(NamespacedName pod, ProbeResult result)
    {
        lock (_lock)
        {
            _probes[(pod, null)] = result;
        }
    }

    /// <summary>Sets what probes of one container answer from now on.</summary>
    public void SetProbeResult(NamespacedName pod, string container, ProbeResult result)
    {
        lock (_lock)
        {
            _probes[(pod, container)] = result;
        }
    }

    /// <summary>Makes the running container <paramref name="container"/> of <paramref name="pod"/> exit, as a crash or a finished job would.</summary>
    /// <returns>False when no such container runs.</returns>
    public bool ExitContainer(NamespacedName pod, string container, int exitCode, string? reason = null)
    {
        Sandbox? sandbox;
        lock (_lock)
        {
            sandbox = _sandboxes.Values.FirstOrDefault(s => s.Ready && s.Pod == pod);
            var running = sandbox?.Containers.LastOrDefault(c => c.Name == container && c.State == RuntimeContainerState.Running);
            if (sandbox is null || running is null)
            {
                return false;
            }

            Exit(running, exitCode, reason ?? (exitCode == 0 ? "Completed" : "Error"));
        }

        PodChanged?.Invoke(this, new PodRuntimeEventArgs(sandbox.Id, sandbox.PodUid));
        return true;
    }

    public ValueTask<string> RunPodSandboxAsync(Pod pod, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (_lock)
        {
            var n = ++_ids;
            var sandbox = new Sandbox($"sandbox-{n}", pod.Metadata.Uid ?? string.Empty, pod.Key, $"{_ipPrefix}{(n % 250) + 2}");
            _sandboxes[sandbox.Id] = sandbox;
            return ValueTask.FromResult(sandbox.Id);
        }
    }

    public ValueTask StopPodSandboxAsync(string sandboxId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_sandboxes.TryGetValue(sandboxId, out var sandbox))
            {
                foreach (var c in sandbox.Containers.Where(c => c.State != RuntimeContainerState.Exited))
                {
                    Exit(c, 137, "Error");
                }

                sandbox.Ready = false;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemovePodSandboxAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_sandboxes.Remove(sandboxId, out var sandbox))
            {
                foreach (var c in sandbox.Containers)
                {
                    _containers.Remove(c.Id);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<string> StartContainerAsync(string sandboxId, Pod pod, Container container, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        lock (_lock)
        {
            if (!_sandboxes.TryGetValue(sandboxId, out var sandbox) || !sandbox.Ready)
            {
                throw new NotFoundException($"sandbox {sandboxId} does not exist or is stopped: run the pod's sandbox again");
            }

            var attempt = sandbox.Containers.Count(c => c.Name == container.Name);
            var started = new FakeContainer($"container-{++_ids}", sandboxId, container.Name, attempt, container.Image)
            {
                State = RuntimeContainerState.Running,
                StartedAt = _time.GetUtcNow(),
            };
            sandbox.Containers.Add(started);
            _containers[started.Id] = started;
            return ValueTask.FromResult(started.Id);
        }
    }

    public ValueTask StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_containers.TryGetValue(containerId, out var c) && c.State != RuntimeContainerState.Exited)
            {
                Exit(c, 137, "Error");
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_containers.Remove(containerId, out var c) && _sandboxes.TryGetValue(c.SandboxId, out var sandbox))
            {
                sandbox.Containers.Remove(c);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<PodSandboxStatus?> GetPodSandboxStatusAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_sandboxes.TryGetValue(sandboxId, out var sandbox) ? sandbox.Status() : null);
        }
    }

    public ValueTask<IReadOnlyList<PodSandboxStatus>> ListPodSandboxesAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<PodSandboxStatus>>([.. _sandboxes.Values.Select(s => s.Status())]);
        }
    }

    public ValueTask<ProbeResult> ProbeAsync(string containerId, Probe probe, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ProbeCount++;
            if (!_containers.TryGetValue(containerId, out var c) || c.State != RuntimeContainerState.Running)
            {
                return ValueTask.FromResult(ProbeResult.Unknown);
            }

            var pod = _sandboxes[c.SandboxId].Pod;
            var result = _probes.TryGetValue((pod, c.Name), out var forContainer) ? forContainer
                : _probes.TryGetValue((pod, null), out var forPod) ? forPod
                : DefaultProbeResult;
            return ValueTask.FromResult(result);
        }
    }

    private void Exit(FakeContainer container, int exitCode, string reason)
    {
        container.State = RuntimeContainerState.Exited;
        container.ExitCode = exitCode;
        container.Reason = reason;
        container.FinishedAt = _time.GetUtcNow();
    }

    private sealed class Sandbox(string id, string podUid, NamespacedName pod, string ip)
    {
        public string Id => id;

        public string PodUid => podUid;

        public NamespacedName Pod => pod;

        public bool Ready { get; set; } = true;

        public List<FakeContainer> Containers { get; } = [];

        public PodSandboxStatus Status() => new(id, podUid, pod, Ready, ip, [.. Containers.Select(c => c.Status())]);
    }

    private sealed class FakeContainer(string id, string sandboxId, string name, int attempt, string? image)
    {
        public string Id => id;

        public string SandboxId => sandboxId;

        public string Name => name;

        public RuntimeContainerState State { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public int? ExitCode { get; set; }

        public string? Reason { get; set; }

        public RuntimeContainerStatus Status() => new(id, name, attempt, State)
        {
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            ExitCode = ExitCode,
            Reason = Reason,
            Image = image,
        };
    }
}
