using System.Diagnostics;
using Containers.Cgroups;

namespace Containers.Core.Tests.Cgroups;

/// <summary>
/// Gives each test a unique relative cgroup path under this process's own cgroups, tracks the
/// cgroups and processes it makes, and removes them afterwards: processes by the pid it started,
/// never by name.
/// </summary>
public abstract class CgroupTest
{
    private readonly List<Cgroup> _cgroups = [];
    private readonly List<Process> _processes = [];

    protected CgroupLayout Layout { get; private set; } = null!;

    protected CgroupPath TestPath { get; private set; }

    [SetUp]
    public void RequireRootAndCgroups()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: creates real cgroups");
        }

        Layout = CgroupLayout.Current;
        TestPath = CgroupPath.Parse(CgroupLeakCheck.Prefix + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public async Task RemoveWhatTheTestMade()
    {
        // One fixture instance runs every test of the class: start each teardown from its own lists.
        var processes = _processes.ToArray();
        var cgroups = _cgroups.ToArray();
        _processes.Clear();
        _cgroups.Clear();
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            finally
            {
                process.Dispose();
            }
        }

        foreach (var cgroup in Enumerable.Reverse(cgroups))
        {
            // A frozen cgroup never empties; whatever the test's processes forked is in the cgroup too.
            if (cgroup.Exists)
            {
                cgroup.Thaw();
                cgroup.KillAll();
            }

            await cgroup.DeleteAsync(TimeSpan.FromSeconds(10));
            Assert.That(cgroup.Exists, Is.False, $"test left cgroup {cgroup} behind");
            cgroup.Dispose();
        }
    }

    /// <summary>Creates the cgroup at <see cref="TestPath"/> (or a path below it) and deletes it at teardown.</summary>
    protected Cgroup CreateCgroup(CgroupResources? resources = null) => Track(Cgroup.Create(Layout, TestPath, resources));

    protected Cgroup Track(Cgroup cgroup)
    {
        _cgroups.Add(cgroup);
        return cgroup;
    }

    /// <summary>
    /// Starts <c>sh -c "read _; script"</c>, moves it into <paramref name="cgroup"/>, and only then
    /// lets it run the script, so that everything the script does happens inside the cgroup.
    /// </summary>
    protected Process StartIn(Cgroup cgroup, string script)
    {
        var process = Start("sh", "-c", "read _; " + script);
        cgroup.AddProcess(process.Id);
        process.StandardInput.WriteLine();
        process.StandardInput.Flush();
        return process;
    }

    protected Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        _processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    protected static string ReadFile(string directory, string file) => File.ReadAllText(Path.Join(directory, file)).Trim();

    /// <summary>The cgroup's directory in the v1 hierarchy of <paramref name="controller"/>.</summary>
    protected string V1Directory(Cgroup cgroup, string controller)
    {
        var hierarchy = Layout.FindV1(controller);
        if (hierarchy is null)
        {
            Assert.Ignore($"needs the v1 {controller} controller");
        }

        return cgroup.Directories.Single(d => d.StartsWith(hierarchy!.MountPoint + "/", StringComparison.Ordinal));
    }

    protected void RequireV1(params string[] controllers)
    {
        foreach (var controller in controllers)
        {
            if (Layout.FindV1(controller) is null)
            {
                Assert.Ignore($"needs the v1 {controller} controller; this host is {Layout.Mode}");
            }
        }
    }

    protected static async Task<bool> ExitsWithin(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
