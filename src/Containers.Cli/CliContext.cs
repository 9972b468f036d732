using System.CommandLine;
using Containers.Images.Engine;
using Containers.Networking;

namespace Containers.Cli;

/// <summary>
/// What the docker-shaped commands of one invocation share: where they print, and the global
/// options: <c>--root</c>, which places the engine, the image store and the content store, and
/// what dockerd would take at its start, <c>--bridge</c> and <c>--bridge-subnet</c> for the default
/// bridge network (used when that network is first made on a root).
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error)
{
    /// <summary>The global options that take a value, so that the command's name can be found after them.</summary>
    public static readonly string[] GlobalOptionsWithValue = ["--root", "--bridge", "--bridge-subnet"];

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public Option<string?> Root { get; } = new("--root")
    {
        Description = $"The state directory: containers, snapshots, images and their content (default: ${ContainersPaths.RootVariable}, else {ContainersPaths.DefaultRoot})",
        Recursive = true,
    };

    public Option<string?> Bridge { get; } = new("--bridge")
    {
        Description = "The interface of the default bridge network, made on first use (default: ctr0); none: containers get no network unless run with --network",
        Recursive = true,
    };

    public Option<string?> BridgeSubnet { get; } = new("--bridge-subnet")
    {
        Description = "The subnet of the default bridge network, made on first use (default: 10.88.0.0/16)",
        Recursive = true,
    };

    /// <summary>The global options, for the root command.</summary>
    public IEnumerable<Option> GlobalOptions => [Root, Bridge, BridgeSubnet];

    /// <summary>Opens the state under the root the command line names; the caller disposes it.</summary>
    public LocalSession OpenSession(ParseResult result)
    {
        var bridge = result.GetValue(Bridge);
        var subnet = result.GetValue(BridgeSubnet) is { } text ? Ipv4Subnet.Parse(text) : (Ipv4Subnet?)null;
        return new LocalSession(result.GetValue(Root) ?? ContainersPaths.DefaultRoot, options =>
        {
            if (bridge == "none")
            {
                options.DefaultNetwork = "none";
            }
            else if (bridge is not null)
            {
                options.DefaultBridgeInterface = bridge;
            }

            if (subnet is { } given)
            {
                options.DefaultBridgeSubnet = given;
            }
        });
    }

    /// <summary>Sets <paramref name="command"/>'s action to run <paramref name="action"/> with a session that is disposed after it.</summary>
    public void SetAction(Command command, Func<ParseResult, LocalSession, CancellationToken, Task<int>> action) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            var session = OpenSession(result);
            await using (session.ConfigureAwait(false))
            {
                return await action(result, session, cancellationToken).ConfigureAwait(false);
            }
        });
}
