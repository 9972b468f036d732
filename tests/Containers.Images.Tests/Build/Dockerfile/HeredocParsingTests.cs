using Containers.Images.Build.Dockerfile;
using static Containers.Images.Tests.Build.Dockerfile.DockerfileTestHelpers;

namespace Containers.Images.Tests.Build.Dockerfile;

public sealed class HeredocParsingTests
{
    [Test]
    public void Run_WithAHeredoc_KeepsTheOpenerAndTheBody()
    {
        var document = ParseLines("FROM busybox", "RUN <<EOF", "echo one", "echo two", "EOF", "USER nobody");

        var run = (RunInstruction)document.Stages[0].Instructions[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ShellOrExec.Shell)run.Command).Command, Is.EqualTo("<<EOF"));
            Assert.That(run.Heredocs, Is.EqualTo(new[] { new Heredoc("EOF", "echo one\necho two\n", Expand: true) }));
            Assert.That(run.ScriptHeredoc, Is.EqualTo(run.Heredocs[0]));
            Assert.That(run.ShellScript, Is.EqualTo("echo one\necho two\n"));
            Assert.That(document.Stages[0].Instructions[1].Location.Line, Is.EqualTo(6));
        }
    }

    [Test]
    public void Run_WithAHeredocFedToACommand_ReconstitutesTheScriptForTheShell()
    {
        var run = Single<RunInstruction>("RUN python3 <<EOF > /out", "print('hi')", "EOF");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ScriptHeredoc, Is.Null);
            Assert.That(run.ShellScript, Is.EqualTo("python3 <<EOF > /out\nprint('hi')\nEOF"));
        }
    }

    [Test]
    public void Run_WithSeveralHeredocsOnOneLine_ReadsThemInOrder()
    {
        var run = Single<RunInstruction>("RUN cat <<A /dev/stdin <<\"B\"", "first $X", "A", "second $X", "B");

        Assert.That(run.Heredocs, Is.EqualTo(new[]
        {
            new Heredoc("A", "first $X\n", Expand: true),
            new Heredoc("B", "second $X\n", Expand: false),
        }));
    }

    [TestCase("<<'EOF'")]
    [TestCase("<<\"EOF\"")]
    [TestCase("<<E\"O\"F")]
    public void Heredoc_QuotedDelimiter_IsNotExpanded(string opener)
    {
        var copy = Single<CopyInstruction>($"COPY {opener} /file", "$HOME", "EOF");

        var heredoc = ((HeredocSource)copy.Sources.Single()).Heredoc;
        Assert.That(heredoc, Is.EqualTo(new Heredoc("EOF", "$HOME\n", Expand: false)));
    }

    [Test]
    public void Heredoc_WithDash_StripsLeadingTabsFromBodyAndDelimiter()
    {
        var run = Single<RunInstruction>("RUN <<-EOF", "\techo one", "\t\techo two", "  echo spaces", "\tEOF");

        Assert.That(run.Heredocs.Single().Content, Is.EqualTo("echo one\necho two\n  echo spaces\n"));
    }

    [Test]
    public void Heredoc_WithoutDash_NeedsTheDelimiterAtLineStart()
    {
        var run = Single<RunInstruction>("RUN <<EOF", "\tEOF", "EOF");

        Assert.That(run.Heredocs.Single().Content, Is.EqualTo("\tEOF\n"));
    }

    [Test]
    public void Heredoc_WithSpaceAfterTheOperator_IsAHeredoc()
    {
        var run = Single<RunInstruction>("RUN cat << EOF", "x", "EOF");

        Assert.That(run.Heredocs.Single().Name, Is.EqualTo("EOF"));
    }

    [Test]
    public void Heredoc_WithAFileDescriptor_IsAHeredoc()
    {
        var run = Single<RunInstruction>("RUN cat 3<<EOF", "x", "EOF");

        Assert.That(run.Heredocs.Single().Name, Is.EqualTo("EOF"));
    }

    [Test]
    public void Heredoc_InsideQuotes_IsText()
    {
        var run = Single<RunInstruction>("RUN echo \"<<EOF\"");

        Assert.That(run.Heredocs, Is.Empty);
    }

    [Test]
    public void Heredoc_KeepsCrLfInTheBody()
    {
        var document = DockerfileParser.Parse("FROM busybox\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n");

        Assert.That(((RunInstruction)document.Stages[0].Instructions.Single()).Heredocs.Single().Content, Is.EqualTo("echo hi\r\n"));
    }

    [Test]
    public void Heredoc_InRunExecForm_IsText()
    {
        var document = ParseLines("FROM busybox", "RUN [\"cat\", \"<<EOF\"]", "USER nobody");

        Assert.That(document.Stages[0].Instructions, Has.Length.EqualTo(2));
    }

    [Test]
    public void Heredoc_InOtherInstructions_IsText()
    {
        var document = ParseLines("FROM busybox", "CMD cat <<EOF", "USER nobody");

        Assert.That(document.Stages[0].Instructions, Has.Length.EqualTo(2));
    }

    [Test]
    public void Copy_HeredocSources_AreInlineFilesNamedByTheirDelimiter()
    {
        var copy = Single<CopyInstruction>("COPY --chmod=755 <<run.sh <<EOT app.txt /app/", "#!/bin/sh", "echo hi", "run.sh", "text", "EOT");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copy.Sources, Has.Length.EqualTo(3));
            Assert.That(((HeredocSource)copy.Sources[0]).Heredoc, Is.EqualTo(new Heredoc("run.sh", "#!/bin/sh\necho hi\n", true)));
            Assert.That(((HeredocSource)copy.Sources[1]).Heredoc, Is.EqualTo(new Heredoc("EOT", "text\n", true)));
            Assert.That(copy.Sources[2], Is.EqualTo(new PathSource("app.txt")));
            Assert.That(copy.Destination, Is.EqualTo("/app/"));
            Assert.That(copy.Chmod, Is.EqualTo("755"));
        }
    }

    [Test]
    public void Add_HeredocSource_IsAnInlineFile()
    {
        var add = Single<AddInstruction>("ADD <<EOF /greeting", "hello", "EOF");

        Assert.That(((HeredocSource)add.Sources.Single()).Heredoc.Content, Is.EqualTo("hello\n"));
    }

    [Test]
    public void Copy_HeredocAsDestination_IsAnError()
    {
        var error = Error("FROM busybox", "COPY a <<EOF", "x", "EOF");

        Assert.That(error.Message, Does.StartWith("Dockerfile:2:8: COPY cannot take a heredoc as its destination"));
    }

    [Test]
    public void Heredoc_NeverClosed_IsAnErrorAtTheInstruction()
    {
        var error = Error("FROM busybox", "RUN <<EOF", "echo hi");

        Assert.That(error.Message, Is.EqualTo("Dockerfile:2:1: heredoc 'EOF' is never closed: end its content with a line holding only EOF"));
    }

    [Test]
    public void OnBuild_WithAHeredoc_StoresTheBodyInTheTrigger()
    {
        var onBuild = Single<OnBuildInstruction>("ONBUILD RUN <<EOF", "echo later", "EOF");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(((RunInstruction)onBuild.Trigger).Heredocs.Single().Content, Is.EqualTo("echo later\n"));
            Assert.That(onBuild.TriggerText, Is.EqualTo("RUN <<EOF\necho later\nEOF"));
            Assert.That(DockerfileParser.ParseTriggers([onBuild.TriggerText]).Single(), Is.TypeOf<RunInstruction>());
        }
    }
}
