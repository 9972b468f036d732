using System.Text;
using Containers.Cgroups;
using Containers.Errors;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>A built-in runtime on its own state root, with every container it made deleted and checked after each test.</summary>
public abstract class BuiltinRuntimeTest
{
    protected const string CgroupParent = "dotnet-containers-builtin-test";

    private readonly List<(string Id, TestBundle Bundle)> made = [];

    protected BuiltinRuntime Runtime { get; private set; } = null!;

    protected string StateRoot { get; private set; } = null!;

    [SetUp]
    public void CreateRuntime()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("needs root: containers need namespaces and cgroups");
        }

        StateRoot = Directory.CreateTempSubdirectory("builtin-state-").FullName;
        Runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = StateRoot });
    }

    [TearDown]
    public async Task DeleteContainers()
    {
        if (Runtime is null)
        {
            return;
        }

        foreach (var (id, bundle) in made)
        {
            try
            {
                await Runtime.DeleteAsync(id, force: true);
            }
            catch (NotFoundException)
            {
            }

            bundle.Dispose();
        }

        made.Clear();
        await Runtime.DisposeAsync();
        Assert.That(Directory.GetFileSystemEntries(StateRoot), Is.Empty, "a container's state outlived its delete");
        Directory.Delete(StateRoot);
    }

    [OneTimeTearDown]
    public async Task RemoveCgroupParent()
    {
        if (Environment.IsPrivilegedProcess)
        {
            using var parent = Cgroup.Open(CgroupLayout.Current, CgroupPath.Parse(CgroupParent));
            await parent.DeleteAsync(TimeSpan.FromSeconds(5));
        }
    }

    protected static string NewId() => $"t-{Guid.NewGuid():N}"[..20];

    protected TestBundle MakeBundle(string id, Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        var bundle = TestBundle.Create(s => (configure ?? (x => x))(s with { Linux = s.Linux! with { CgroupsPath = $"{CgroupParent}/{id}" } }), args);
        made.Add((id, bundle));
        return bundle;
    }

    protected async Task<CreatedContainer> CreateAsync(string id, Func<OciSpec, OciSpec>? configure, StdioMode stdio, params string[] args) =>
        await Runtime.CreateAsync(new ContainerCreateRequest(id, MakeBundle(id, configure, args).Path) { Stdio = stdio, DieWithOwner = true });

    protected async Task<(ExitStatus Exit, string Output, string Error)> RunAsync(Func<OciSpec, OciSpec>? configure, params string[] args)
    {
        var id = NewId();
        await using var created = await CreateAsync(id, configure, StdioMode.Pipes, args);
        created.Io.StandardInput!.Dispose();
        await Runtime.StartAsync(id);
        var output = new StreamReader(created.Io.StandardOutput!, Encoding.UTF8).ReadToEndAsync();
        var error = new StreamReader(created.Io.StandardError!, Encoding.UTF8).ReadToEndAsync();
        var exit = await Runtime.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(60));
        var result = (exit, await output, await error);
        await Runtime.DeleteAsync(id);
        return result;
    }
}
