namespace Containers.Cli.Tests.Commands;

/// <summary>What run does with bad input: one line on stderr, and docker's exit codes.</summary>
public sealed class RunCommandErrorTests : ContainerCliTest
{
    [TestCase(new[] { "nosuchimage:1" }, "not found", "nosuchimage:1")]
    [TestCase(new[] { "--memory", "lots", Image }, "invalid argument", "--memory")]
    [TestCase(new[] { "--memory", "1k", Image }, "invalid argument", "6m")]
    [TestCase(new[] { "--cpus", "-1", Image }, "invalid argument", "--cpus")]
    [TestCase(new[] { "-p", "99999:80", Image }, "invalid argument", "99999")]
    [TestCase(new[] { "--env-file", "/nonexistent/env", Image }, "not found", "/nonexistent/env")]
    [TestCase(new[] { "--frobnicate", Image }, "", "--frobnicate")]
    public async Task Run_BadInput_IsOneLineAndExit125(string[] args, string kind, string named)
    {
        var (code, stdout, stderr) = await CliAsync(["run", "--rm", .. args]);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(125));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.StartWith($"containers: {kind}").And.Contain(named));
            Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), stderr);
        });
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
    }

    [Test]
    public async Task Run_MissingProgram_Exits127()
    {
        var (code, _, stderr) = await CliAsync("run", "--rm", Image, "nosuchprogram");

        Assert.That(code, Is.EqualTo(127), stderr);
        Assert.That(stderr, Does.Contain("nosuchprogram"));
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
    }

    [Test]
    public async Task Run_ProgramThatIsADirectory_Exits126()
    {
        var (code, _, stderr) = await CliAsync("run", "--rm", Image, "/etc");

        Assert.That(code, Is.EqualTo(126), stderr);
        Assert.That(stderr, Does.Contain("/etc"), stderr);
        Assert.That(await CliOkAsync("ps", "-a", "-q"), Is.Empty);
    }

    [Test]
    public async Task Ps_UnknownFlag_IsOneLineAndExit1()
    {
        var (code, _, stderr) = await CliAsync("ps", "--frobnicate");

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("--frobnicate").And.Contain("containers ps --help"));
    }
}
