using Containers.Cgroups;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Spec;

namespace Containers.Images.Tests.Engine;

/// <summary>
/// A runtime that passes everything on and records pause and resume: "pause", then, when the
/// container is still frozen as resume comes, "paused while diffing", then "resume".
/// </summary>
internal sealed class RecordingRuntime(IContainerRuntime inner) : IContainerRuntime
{
    private readonly List<string> _events = [];

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Runs right after a pause, inside the commit.</summary>
    public Action? OnPaused { get; set; }

    public string Name => inner.Name;

    public Task<CreatedContainer> CreateAsync(ContainerCreateRequest request, CancellationToken cancellationToken = default) => inner.CreateAsync(request, cancellationToken);

    public Task StartAsync(string id, CancellationToken cancellationToken = default) => inner.StartAsync(id, cancellationToken);

    public Task<ContainerState> GetStateAsync(string id, CancellationToken cancellationToken = default) => inner.GetStateAsync(id, cancellationToken);

    public Task KillAsync(string id, int signal, bool all = false, CancellationToken cancellationToken = default) => inner.KillAsync(id, signal, all, cancellationToken);

    /// <summary>When set, every wait fails with it, as a wait whose state is removed under it can.</summary>
    public Exception? WaitFailure { get; set; }

    public Task<ExitStatus> WaitAsync(string id, CancellationToken cancellationToken = default) =>
        WaitFailure is { } failure ? Task.FromException<ExitStatus>(failure) : inner.WaitAsync(id, cancellationToken);

    public Task DeleteAsync(string id, bool force = false, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, force, cancellationToken);

    public async Task PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        await inner.PauseAsync(id, cancellationToken);
        Record("pause");
        OnPaused?.Invoke();
    }

    public async Task ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        if ((await inner.GetStateAsync(id, cancellationToken)).Status == ContainerStatus.Paused)
        {
            Record("paused while diffing");
        }

        await inner.ResumeAsync(id, cancellationToken);
        Record("resume");
    }

    public Task UpdateAsync(string id, OciResources resources, CancellationToken cancellationToken = default) => inner.UpdateAsync(id, resources, cancellationToken);

    /// <summary>When set, every stats read fails with it, as one of a cgroup removed mid-read once did.</summary>
    public Exception? StatsFailure { get; set; }

    public Task<CgroupStats> GetStatsAsync(string id, CancellationToken cancellationToken = default) =>
        StatsFailure is { } failure ? Task.FromException<CgroupStats>(failure) : inner.GetStatsAsync(id, cancellationToken);

    public Task<ExecProcess> ExecAsync(string id, OciProcess process, StdioMode stdio, CancellationToken cancellationToken = default) => inner.ExecAsync(id, process, stdio, cancellationToken);

    public Task<IReadOnlyList<ContainerState>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    private void Record(string what)
    {
        lock (_events)
        {
            _events.Add(what);
        }
    }
}
