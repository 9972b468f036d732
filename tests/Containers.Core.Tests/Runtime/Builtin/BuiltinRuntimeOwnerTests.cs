using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>Containers that die with their owner, and the sweep that removes what a crashed owner left.</summary>
public sealed class BuiltinRuntimeOwnerTests : BuiltinRuntimeTest
{
    [Test]
    public async Task DieWithOwner_OwnerProcessKilled_ContainerAndItsStateGo()
    {
        // The owner is another process: the real CLI's `runtime run`, killed with SIGKILL mid-run.
        var cli = FindCliDll();
        var id = NewId();
        var bundle = MakeBundle(id, null, "sleep", "60");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { cli, "runtime", "--root", StateRoot, "run", "--bundle", bundle.Path, id })
        {
            start.ArgumentList.Add(arg);
        }

        using var owner = Process.Start(start)!;
        var statePath = Path.Combine(StateRoot, id, "state.json");
        var pid = await WaitForPidAsync(statePath);
        var cgroupDirectories = CgroupDirectoriesOf(statePath);
        owner.Kill();
        await owner.WaitForExitAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((ProcessState.IsRunning(pid) || Directory.Exists(Path.Combine(StateRoot, id)) || cgroupDirectories.Any(Directory.Exists)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(ProcessState.IsRunning(pid), Is.False, "the container outlived its owner");
        Assert.That(Directory.Exists(Path.Combine(StateRoot, id)), Is.False, "its state outlived its owner");
        Assert.That(cgroupDirectories.Where(Directory.Exists), Is.Empty, "its cgroup outlived its owner");
    }

    [Test]
    public async Task Sweep_AfterOwnerAndShimCrashed_RemovesProcessCgroupAndState()
    {
        var id = NewId();
        var created = await CreateAsync(id, null, StdioMode.Null, "sleep", "60");
        await Runtime.StartAsync(id);
        var statePath = Path.Combine(StateRoot, id, "state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!;
        var cgroupDirectories = CgroupDirectoriesOf(statePath);

        // Crash the shim and pretend the owner died too: a pid that cannot be a live process.
        Process.GetProcessById(state["shimPid"]!.GetValue<int>()).Kill();
        state["ownerPid"] = int.MaxValue;
        File.WriteAllText(statePath, state.ToJsonString());
        await created.DisposeAsync();

        await using var restarted = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = StateRoot });
        var removed = await restarted.SweepAsync();

        Assert.That(removed, Is.EqualTo(1));
        Assert.That(await ProcessState.WaitGoneAsync(created.Pid, TimeSpan.FromSeconds(5)), Is.True, "the container process");
        Assert.That(Directory.Exists(Path.Combine(StateRoot, id)), Is.False, "the state");
        Assert.That(cgroupDirectories.Where(Directory.Exists), Is.Empty, "the cgroup");
    }

    [Test]
    public async Task Sweep_LeavesContainersWhoseOwnerLives()
    {
        var id = NewId();
        await using var created = await CreateAsync(id, null, StdioMode.Null, "sleep", "60");
        await using var other = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = StateRoot });
        Assert.That(await other.SweepAsync(), Is.EqualTo(0));
        Assert.That((await Runtime.GetStateAsync(id)).Status, Is.EqualTo(ContainerStatus.Created));
    }

    private static string[] CgroupDirectoriesOf(string statePath)
    {
        var path = JsonDocument.Parse(File.ReadAllText(statePath)).RootElement.GetProperty("cgroupPath").GetString()!;
        using var cgroup = Containers.Cgroups.Cgroup.Open(Containers.Cgroups.CgroupLayout.Current, Containers.Cgroups.CgroupPath.Parse(path));
        return [.. cgroup.Directories];
    }

    private static async Task<int> WaitForPidAsync(string statePath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var pid = JsonDocument.Parse(File.ReadAllText(statePath)).RootElement.GetProperty("pid").GetInt32();
                if (pid > 0)
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no container pid in {statePath}");
    }

    private static string FindCliDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Containers.Cli", "bin", configuration, "net10.0", "containers.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Ignore("needs the built CLI (src/Containers.Cli); build the solution first");
        return null!;
    }
}
