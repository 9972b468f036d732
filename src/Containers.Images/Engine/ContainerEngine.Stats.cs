using Containers.Errors;
using Containers.Runtime;

namespace Containers.Images.Engine;

public sealed partial class ContainerEngine
{
    /// <summary>
    /// One sample of the container's resource use from its cgroup, as <c>docker stats --no-stream</c>
    /// reads it; a container that is not running reads as zeros. Take two samples for a CPU
    /// percentage (<see cref="ContainerStats.CpuPercent"/>).
    /// </summary>
    /// <exception cref="NotFoundException">No container has that id, id prefix or name.</exception>
    public async Task<ContainerStats> StatsAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var entry = await FindAsync(idOrName, cancellationToken).ConfigureAwait(false);
        var id = entry.Record.Id;
        if (await StatusAsync(entry, cancellationToken).ConfigureAwait(false) is ContainerStatus.Running or ContainerStatus.Paused)
        {
            try
            {
                var stats = await _runtime.GetStatsAsync(id, cancellationToken).ConfigureAwait(false);
                return ContainerStats.From(id, _time.GetUtcNow(), stats);
            }
            catch (NotFoundException)
            {
                // It stopped and went from the runtime meanwhile.
            }
        }

        return new ContainerStats { Id = id, Read = _time.GetUtcNow() };
    }
}
