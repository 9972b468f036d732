using System.Text;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime;

/// <summary>
/// The containers a test makes on one runtime, each on a fresh busybox bundle whose cgroup is
/// under <paramref name="cgroupParent"/>; <see cref="DeleteAllAsync"/> removes them after the test.
/// </summary>
internal sealed class TestContainers(IContainerRuntime runtime, string cgroupParent)
{
    private readonly List<(string Id, TestBundle Bundle)> made = [];

    public TestBundle MakeBundle(string id, Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        var bundle = TestBundle.Create(s => (configure ?? (x => x))(s with { Linux = s.Linux! with { CgroupsPath = $"{cgroupParent}/{id}" } }), args);
        made.Add((id, bundle));
        return bundle;
    }

    public async Task<CreatedContainer> CreateAsync(string id, Func<OciSpec, OciSpec>? configure, StdioMode stdio, params string[] args) =>
        await runtime.CreateAsync(new ContainerCreateRequest(id, MakeBundle(id, configure, args).Path) { Stdio = stdio, DieWithOwner = true });

    /// <summary>Creates, starts, waits and deletes; returns the exit status and the output.</summary>
    public async Task<(ExitStatus Exit, string Output, string Error)> RunAsync(string id, Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        await using var created = await CreateAsync(id, configure, StdioMode.Pipes, args);
        created.Io.StandardInput!.Dispose();
        await runtime.StartAsync(id);
        var output = new StreamReader(created.Io.StandardOutput!, Encoding.UTF8).ReadToEndAsync();
        var error = new StreamReader(created.Io.StandardError!, Encoding.UTF8).ReadToEndAsync();
        var exit = await runtime.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(60));
        var result = (exit, await output, await error);
        await runtime.DeleteAsync(id);
        return result;
    }

    /// <summary>
    /// Creates a container whose shim writes its output as a json-file log in its bundle, starts
    /// it, waits and deletes it; returns the exit status and the log's lines as they were when
    /// the exit was reported.
    /// </summary>
    public async Task<(ExitStatus Exit, string[] Log)> RunLoggedAsync(string id, Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        var bundle = MakeBundle(id, configure, args);
        var log = Path.Combine(bundle.Path, "log.jsonl");
        await using (await runtime.CreateAsync(new ContainerCreateRequest(id, bundle.Path) { LogPath = log, DieWithOwner = true }))
        {
        }

        await runtime.StartAsync(id);
        var exit = await runtime.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(60));
        var lines = await File.ReadAllLinesAsync(log);
        await runtime.DeleteAsync(id);
        return (exit, lines);
    }

    /// <summary>Deletes every container made (those the test deleted itself are fine) and their bundles.</summary>
    public async Task DeleteAllAsync()
    {
        foreach (var (id, bundle) in made)
        {
            try
            {
                await runtime.DeleteAsync(id, force: true);
            }
            catch (NotFoundException)
            {
                // Already deleted by the test.
            }

            bundle.Dispose();
        }

        made.Clear();
    }

    /// <summary>Removes the tests' parent cgroup, which must be empty once every container is deleted; true when it is gone.</summary>
    public static async Task<bool> RemoveParentAsync(string cgroupParent)
    {
        using var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(cgroupParent));
        await parent.DeleteAsync(TimeSpan.FromSeconds(5));
        return !parent.Exists;
    }
}
