using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;

namespace Containers.Core.Tests.Runtime.Builtin;

public sealed class BuiltinRuntimeSmokeTests
{
    [Test]
    public async Task Run_Echo_PrintsAndExitsZero()
    {
        using var bundle = TestBundle.Create(null, "sh", "-c", "echo hello from $(hostname); ps; exit 3");
        var root = Directory.CreateTempSubdirectory("state-").FullName;
        await using var runtime = new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = root });
        await using var created = await runtime.CreateAsync(new ContainerCreateRequest("smoke", bundle.Path) { Stdio = StdioMode.Pipes });
        await runtime.StartAsync("smoke");
        var output = await new StreamReader(created.Io.StandardOutput!).ReadToEndAsync();
        var error = await new StreamReader(created.Io.StandardError!).ReadToEndAsync();
        var exit = await runtime.WaitAsync("smoke");
        await runtime.DeleteAsync("smoke");
        TestContext.Out.WriteLine(output + error);
        Assert.That(exit.ExitCode, Is.EqualTo(3), error);
        Assert.That(output, Does.Contain("hello from runc"));
        Directory.Delete(root, true);
    }
}
