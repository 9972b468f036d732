using System.CommandLine;
using System.Globalization;
using Containers.Cli.Output;
using Containers.Images.Engine;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers stats</c>: docker's live table of resource use, redrawn every second until
/// interrupted; <c>--no-stream</c> prints it once. CPU % compares two samples a second apart.
/// </summary>
internal static class StatsCommand
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static Command Create(CliContext cli)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show every container (only running ones by default)" };
        var noStream = new Option<bool>("--no-stream") { Description = "Print one table and exit" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not shorten ids" };
        var containers = new Argument<string[]>("container") { Description = "Containers to show (default: all running ones)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("stats", "Show containers' CPU, memory, block I/O and process counts") { all, noStream, noTrunc, containers };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var engine = session.Engine;
            var named = result.GetValue(containers) ?? [];
            var infos = named.Length > 0
                ? [.. await Task.WhenAll(named.Select(name => engine.InspectAsync(name, cancellationToken))).ConfigureAwait(false)]
                : (await engine.ListAsync(cancellationToken).ConfigureAwait(false)).Where(c => result.GetValue(all) || ContainerText.IsUp(c)).ToList();
            var memory = HostMemory();
            var previous = await SampleAsync(engine, infos, cancellationToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
                    var current = await SampleAsync(engine, infos, cancellationToken).ConfigureAwait(false);
                    var table = Render(infos, previous, current, memory, result.GetValue(noTrunc));
                    if (result.GetValue(noStream))
                    {
                        await table.WriteToAsync(cli.Output).ConfigureAwait(false);
                        return 0;
                    }

                    // As docker: clear the screen and draw the table again.
                    await cli.Output.WriteAsync("\u001b[2J\u001b[H").ConfigureAwait(false);
                    await table.WriteToAsync(cli.Output).ConfigureAwait(false);
                    await cli.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    previous = current;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !result.GetValue(noStream))
            {
                return 0;
            }
        });
        return command;
    }

    private static async Task<ContainerStats[]> SampleAsync(ContainerEngine engine, List<ContainerInfo> infos, CancellationToken cancellationToken) =>
        await Task.WhenAll(infos.Select(info => engine.StatsAsync(info.Id, cancellationToken))).ConfigureAwait(false);

    private static Table Render(List<ContainerInfo> infos, ContainerStats[] previous, ContainerStats[] current, ulong hostMemory, bool full)
    {
        var table = new Table("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS");
        for (var i = 0; i < infos.Count; i++)
        {
            var id = full ? infos[i].Id : ContainerText.ShortId(infos[i].Id);
            var stats = current[i];
            if (!ContainerText.IsUp(infos[i]))
            {
                table.Add(id, infos[i].Name, "--", "-- / --", "--", "--", "--", "--");
                continue;
            }

            var limit = stats.MemoryLimitBytes is { } set && set < hostMemory ? set : hostMemory;
            var used = stats.MemoryWorkingSetBytes;
            table.Add(
                id,
                infos[i].Name,
                Percent(ContainerStats.CpuPercent(previous[i], stats)),
                $"{HumanUnits.BinarySize((long)used)} / {HumanUnits.BinarySize((long)limit)}",
                Percent(limit > 0 ? 100.0 * used / limit : 0),
                "--",
                $"{HumanUnits.Size((long)stats.BlockReadBytes)} / {HumanUnits.Size((long)stats.BlockWriteBytes)}",
                stats.Pids.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static string Percent(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>The host's memory, the limit docker shows for a container without one.</summary>
    private static ulong HostMemory()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)
                && ulong.TryParse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return 0;
    }
}
