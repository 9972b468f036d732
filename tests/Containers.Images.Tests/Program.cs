using Containers.Images.Tests.Engine;

namespace Containers.Images.Tests;

/// <summary>
/// The test assembly is a program too, so that a test can run a piece of itself in a child
/// process and kill it (the test host never calls this).
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        args is [EngineOwnerProcess.Command, var root, var layer] ? EngineOwnerProcess.RunAsync(root, layer) : Task.FromResult(0);
}
