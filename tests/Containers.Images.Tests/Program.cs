using Containers.Images.Tests.Engine;
using Containers.Images.Tests.Testing;

namespace Containers.Images.Tests;

/// <summary>
/// The test assembly is a program too, so that a test can run a piece of itself in a child
/// process and kill it (the test host never calls this).
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => args switch
    {
        [EngineOwnerProcess.Command, var root, var layer] => EngineOwnerProcess.RunAsync(root, layer),
        [ThrowawayOwnerProcess.Command, var layer] => ThrowawayOwnerProcess.RunAsync(layer),
        _ => Task.FromResult(0),
    };
}
