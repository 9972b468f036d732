using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>A built-in runtime on its own state root, with every container it made deleted and checked after each test.</summary>
public abstract class BuiltinRuntimeTest
{
    protected const string CgroupParent = "dotnet-containers-builtin-test";

    private TestContainers containers = null!;

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
        containers = new TestContainers(Runtime, CgroupParent);
    }

    [TearDown]
    public async Task DeleteContainers()
    {
        if (Runtime is null)
        {
            return;
        }

        await containers.DeleteAllAsync();
        await Runtime.DisposeAsync();
        Assert.That(Directory.GetFileSystemEntries(StateRoot), Is.Empty, "a container's state outlived its delete");
        Directory.Delete(StateRoot);
    }

    [OneTimeTearDown]
    public async Task RemoveCgroupParent()
    {
        if (Environment.IsPrivilegedProcess)
        {
            await TestContainers.RemoveParentAsync(CgroupParent);
        }
    }

    protected static string NewId() => $"t-{Guid.NewGuid():N}"[..20];

    protected TestBundle MakeBundle(string id, Func<OciSpec, OciSpec>? configure, params string[] args) => containers.MakeBundle(id, configure, args);

    protected Task<CreatedContainer> CreateAsync(string id, Func<OciSpec, OciSpec>? configure, StdioMode stdio, params string[] args) =>
        containers.CreateAsync(id, configure, stdio, args);

    protected Task<(ExitStatus Exit, string Output, string Error)> RunAsync(Func<OciSpec, OciSpec>? configure, params string[] args) =>
        containers.RunAsync(NewId(), configure, args);
}
