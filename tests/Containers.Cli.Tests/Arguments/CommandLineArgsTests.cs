using System.CommandLine;
using Containers.Cli.Arguments;

namespace Containers.Cli.Tests.Arguments;

public sealed class CommandLineArgsTests
{
    private static readonly string[] Globals = ["--root"];

    [TestCase("ps -a", "ps")]
    [TestCase("--root /x run img", "run")]
    [TestCase("--root=/x ps", "ps")]
    [TestCase("--help", null)]
    [TestCase("", null)]
    public void CommandName_SkipsGlobalOptionsAndTheirValues(string line, string? expected) =>
        Assert.That(CommandLineArgs.CommandName(Split(line), Globals), Is.EqualTo(expected));

    [TestCase("run img ls -l", "run img -- ls -l")]
    [TestCase("run --rm -e A=1 img sh -c x -e y", "run --rm -e A=1 img -- sh -c x -e y")]
    [TestCase("--root /r run -de A=1 img -x", "--root /r run -de A=1 img -- -x")]
    [TestCase("run -eA=1 img -x", "run -eA=1 img -- -x")]
    [TestCase("run --name=n img -x", "run --name=n img -- -x")]
    [TestCase("run --name n img", "run --name n img")]
    [TestCase("run img -- -x", "run img -- -x")]
    [TestCase("run -- img -x", "run -- img -x")]
    public void EndOptionsAfterFirstArgument_PassesWhatFollowsTheImageAsItIs(string line, string expected)
    {
        var command = new Command("run")
        {
            new Option<bool>("--detach", "-d"),
            new Option<bool>("--rm"),
            new Option<string[]>("--env", "-e"),
            new Option<string?>("--name"),
        };

        Assert.That(string.Join(' ', CommandLineArgs.EndOptionsAfterFirstArgument(Split(line), command)), Is.EqualTo(expected));
    }

    private static string[] Split(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
