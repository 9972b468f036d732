using Containers.Cli.Arguments;
using Containers.Errors;

namespace Containers.Cli.Tests.Arguments;

public sealed class EnvironmentArgumentsTests
{
    private const string FromShell = "CONTAINERS_CLI_TEST_VARIABLE";
    private string _work = null!;

    [SetUp]
    public void SetUp()
    {
        _work = Directory.CreateTempSubdirectory("cli-env-").FullName;
        Environment.SetEnvironmentVariable(FromShell, "from the shell");
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(FromShell, null);
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public async Task Flags_BareNameTakesThisProcesssValue_OrIsLeftOut()
    {
        var env = await EnvironmentArguments.ReadAsync([], ["A=1", "B=", FromShell, "CONTAINERS_CLI_TEST_UNSET", "C=x=y"]);

        Assert.That(env, Is.EqualTo(new[] { "A=1", "B=", $"{FromShell}=from the shell", "C=x=y" }));
    }

    [Test]
    public async Task Files_ComeFirst_SkipCommentsAndBlankLines_AndKeepValuesAsWritten()
    {
        var file = Path.Combine(_work, "env");
        await File.WriteAllTextAsync(file, $"# settings\n\n  A=one two \nB=\"quoted\"\n{FromShell}\nCONTAINERS_CLI_TEST_UNSET\n");

        var env = await EnvironmentArguments.ReadAsync([file], ["A=flag"]);

        Assert.That(env, Is.EqualTo(new[] { "A=one two ", "B=\"quoted\"", $"{FromShell}=from the shell", "A=flag" }));
    }

    [Test]
    public void File_NameWithWhitespace_NamesTheFileAndLine()
    {
        var file = Path.Combine(_work, "env");
        File.WriteAllText(file, "OK=1\nBAD NAME=2\n");

        var error = Assert.ThrowsAsync<InvalidArgumentException>(() => EnvironmentArguments.ReadAsync([file], []));

        Assert.That(error!.Message, Does.Contain(file).And.Contain("line 2").And.Contain("BAD NAME"));
    }

    [Test]
    public void File_Missing_IsNotFound() =>
        Assert.ThrowsAsync<NotFoundException>(() => EnvironmentArguments.ReadAsync([Path.Combine(_work, "none")], []));

    [TestCase("")]
    [TestCase("=value")]
    public void Flag_WithoutName_IsInvalid(string flag) =>
        Assert.ThrowsAsync<InvalidArgumentException>(() => EnvironmentArguments.ReadAsync([], [flag]));
}
