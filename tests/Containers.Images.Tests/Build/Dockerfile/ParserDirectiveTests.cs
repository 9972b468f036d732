using Containers.Images.Build.Dockerfile;
using static Containers.Images.Tests.Build.Dockerfile.DockerfileTestHelpers;

namespace Containers.Images.Tests.Build.Dockerfile;

public sealed class ParserDirectiveTests
{
    [Test]
    public void Directives_AtTheTop_AreRead()
    {
        var document = ParseLines("# syntax=docker/dockerfile:1", "# check=skip=all", "# escape=`", "FROM busybox");

        Assert.That(document.Directives, Is.EqualTo(new DockerfileDirectives("docker/dockerfile:1", '`', "skip=all")));
    }

    [TestCase("#directive=value")]
    [TestCase("# ESCAPE=`")]
    [TestCase("#\tescape =  `  ")]
    [TestCase("  # Escape= `")]
    public void Directives_AreCaseAndWhitespaceInsensitive(string line)
    {
        var document = ParseLines(line.Replace("directive=value", "escape=`", StringComparison.Ordinal), "FROM busybox");

        Assert.That(document.Directives.Escape, Is.EqualTo('`'));
    }

    [Test]
    public void Directives_AfterAnInstruction_AreComments()
    {
        var document = ParseLines("FROM busybox", "# escape=`", "RUN echo a \\", "b");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(document.Directives.Escape, Is.EqualTo('\\'));
            Assert.That(document.Stages[0].Instructions, Has.Length.EqualTo(1));
        }
    }

    [Test]
    public void Directives_AfterAComment_AreComments()
    {
        var document = ParseLines("# About my dockerfile", "# escape=`", "FROM busybox");

        Assert.That(document.Directives.Escape, Is.EqualTo('\\'));
    }

    [Test]
    public void Directives_AfterABlankLine_AreComments()
    {
        var document = ParseLines("", "# escape=`", "FROM busybox");

        Assert.That(document.Directives.Escape, Is.EqualTo('\\'));
    }

    [Test]
    public void Directives_AfterAnUnknownDirective_AreComments()
    {
        var document = ParseLines("# unknowndirective=value", "# escape=`", "FROM busybox");

        Assert.That(document.Directives.Escape, Is.EqualTo('\\'));
    }

    [Test]
    public void Directives_WithALineContinuation_AreNotDirectives()
    {
        // A comment does not continue: the second line is an instruction of its own.
        var error = Error("# esc\\", "ape=`", "FROM busybox");

        Assert.That(error.Message, Does.StartWith("Dockerfile:2:1: unknown instruction 'ape=`'"));
    }

    [Test]
    public void Directives_GivenTwice_AreAnError()
    {
        var error = Error("# escape=\\", "# ESCAPE=`", "FROM busybox");

        Assert.That(error.Message, Is.EqualTo("Dockerfile:2:1: the escape parser directive is given twice; give it once, at the top of the file"));
    }

    [Test]
    public void Directives_InvalidEscape_IsAnError()
    {
        var error = Error("# escape=/", "FROM busybox");

        Assert.That(error.Message, Does.StartWith("Dockerfile:1:1: escape directive '/' is not valid"));
    }

    [Test]
    public void EscapeBacktick_WindowsStyleDockerfile_KeepsBackslashesAndContinuesOnBackticks()
    {
        var document = ParseLines(
            "# escape=`",
            "",
            "FROM mcr.microsoft.com/windows/servercore",
            "COPY testfile.txt c:\\",
            "RUN dir c:\\",
            "RUN powershell -Command `",
            "    Write-Host hello");

        var instructions = document.Stages[0].Instructions;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((CopyInstruction)instructions[0]).Destination, Is.EqualTo("c:\\"));
            Assert.That(((ShellOrExec.Shell)((RunInstruction)instructions[1]).Command).Command, Is.EqualTo("dir c:\\"));
            Assert.That(((ShellOrExec.Shell)((RunInstruction)instructions[2]).Command).Command, Is.EqualTo("powershell -Command     Write-Host hello"));
        }
    }

    [Test]
    public void EscapeBacktick_BackslashAtLineEnd_DoesNotContinue()
    {
        var document = ParseLines("# escape=`", "FROM busybox", "RUN echo a \\", "RUN echo b");

        Assert.That(document.Stages[0].Instructions, Has.Length.EqualTo(2));
    }
}
