using Containers.Images.Build.Dockerfile;
using static Containers.Images.Tests.Build.Dockerfile.DockerfileTestHelpers;

namespace Containers.Images.Tests.Build.Dockerfile;

public sealed class DockerfileSyntaxTests
{
    [Test]
    public void Parse_InstructionNames_AreCaseInsensitive()
    {
        var document = ParseLines("from busybox", "Run echo hi", "wOrKdIr /app");

        var stage = document.Stages.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stage.BaseName, Is.EqualTo("busybox"));
            Assert.That(stage.Instructions[0], Is.TypeOf<RunInstruction>());
            Assert.That(stage.Instructions[1], Is.TypeOf<WorkdirInstruction>());
            Assert.That(stage.Instructions[1].Keyword, Is.EqualTo("WORKDIR"));
        }
    }

    [Test]
    public void Parse_CommentsAndBlankLines_AreSkipped()
    {
        var document = ParseLines("# a comment", "", "   # indented comment", "FROM busybox", "", "RUN echo hi # not a comment");

        var run = (RunInstruction)document.Stages[0].Instructions.Single();
        Assert.That(((ShellOrExec.Shell)run.Command).Command, Is.EqualTo("echo hi # not a comment"));
    }

    [Test]
    public void Parse_Location_IsTheKeywordsLineAndColumn()
    {
        var document = ParseLines("FROM busybox", "", "   RUN echo hi");

        var run = document.Stages[0].Instructions.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(document.Stages[0].From.Location, Is.EqualTo(new SourceLocation(1, 1)));
            Assert.That(run.Location, Is.EqualTo(new SourceLocation(3, 4)));
            Assert.That(run.Original, Is.EqualTo("RUN echo hi"));
        }
    }

    [Test]
    public void Parse_LineContinuation_JoinsLinesKeepingTheirIndentation()
    {
        var run = Single<RunInstruction>("RUN echo a \\", "    && echo b");

        Assert.That(((ShellOrExec.Shell)run.Command).Command, Is.EqualTo("echo a     && echo b"));
    }

    [Test]
    public void Parse_LineContinuation_WithTrailingBlanksAfterTheEscape_StillContinues()
    {
        var run = Single<RunInstruction>("RUN echo a \\  \t", "b");

        Assert.That(((ShellOrExec.Shell)run.Command).Command, Is.EqualTo("echo a b"));
    }

    [Test]
    public void Parse_CommentLinesInsideAContinuation_AreDropped()
    {
        var run = Single<RunInstruction>("RUN echo a \\", "# a comment \\", "  # another", " b");

        Assert.That(((ShellOrExec.Shell)run.Command).Command, Is.EqualTo("echo a  b"));
    }

    [Test]
    public void Parse_EmptyLineInsideAContinuation_IsDroppedWithAWarning()
    {
        var document = ParseLines("FROM busybox", "RUN echo a \\", "", "  b");

        var run = (RunInstruction)document.Stages[0].Instructions.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ShellOrExec.Shell)run.Command).Command, Is.EqualTo("echo a   b"));
            Assert.That(document.Warnings.Single().Message, Does.Contain("empty"));
            Assert.That(document.Warnings.Single().Location.Line, Is.EqualTo(2));
        }
    }

    [Test]
    public void Parse_ContinuationAtEndOfFile_EndsTheInstruction()
    {
        var document = DockerfileParser.Parse("FROM busybox\nRUN echo hi \\");

        Assert.That(((ShellOrExec.Shell)((RunInstruction)document.Stages[0].Instructions.Single()).Command).Command, Is.EqualTo("echo hi"));
    }

    [Test]
    public void Parse_EscapedEscapeAtLineEnd_DoesNotContinue()
    {
        var document = ParseLines("FROM busybox", "RUN echo a \\\\", "RUN echo b");

        Assert.That(document.Stages[0].Instructions, Has.Length.EqualTo(2));
        Assert.That(((ShellOrExec.Shell)((RunInstruction)document.Stages[0].Instructions[0]).Command).Command, Is.EqualTo("echo a \\\\"));
    }

    [Test]
    public void Parse_LocationAfterContinuations_CountsEveryPhysicalLine()
    {
        var document = ParseLines("FROM busybox", "RUN a \\", "  b \\", "  c", "USER nobody");

        Assert.That(document.Stages[0].Instructions[1].Location, Is.EqualTo(new SourceLocation(5, 1)));
    }

    [Test]
    public void Parse_CrLfLineEnds_AreTrimmed()
    {
        var document = DockerfileParser.Parse("FROM busybox\r\nRUN echo a \\\r\n  b\r\nUSER nobody\r\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ShellOrExec.Shell)((RunInstruction)document.Stages[0].Instructions[0]).Command).Command, Is.EqualTo("echo a   b"));
            Assert.That(((UserInstruction)document.Stages[0].Instructions[1]).User, Is.EqualTo("nobody"));
        }
    }

    [Test]
    public void Parse_ByteOrderMark_IsIgnored()
    {
        var document = DockerfileParser.Parse("\uFEFF# escape=`\nFROM busybox\n");

        Assert.That(document.Directives.Escape, Is.EqualTo('`'));
    }

    [Test]
    public void Parse_Utf8Bytes_WithByteOrderMark_Parse()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "FROM busybox\nLABEL name=caf\u00e9\n"u8];

        var document = DockerfileParser.Parse(bytes);

        Assert.That(((LabelInstruction)document.Stages[0].Instructions.Single()).Labels.Single().Value, Is.EqualTo("caf\u00e9"));
    }

    [Test]
    public void Parse_ExecForm_IsAJsonArrayOfStrings()
    {
        var cmd = Single<CmdInstruction>("CMD [\"echo\", \"a b\", \"\\u00e9\"]");

        Assert.That(((ShellOrExec.Exec)cmd.Command).Arguments, Is.EqualTo(new[] { "echo", "a b", "\u00e9" }));
    }

    [TestCase("CMD ['echo', 'hi']")]
    [TestCase("CMD [\"echo\", \"hi\"")]
    [TestCase("CMD [\"echo\", \"hi]")]
    [TestCase("CMD [\"echo\" \"hi\"]")]
    [TestCase("CMD [\"echo\", \"hi\"] trailing")]
    public void Parse_InvalidJson_FallsBackToTheShellForm(string line)
    {
        var cmd = Single<CmdInstruction>(line);

        Assert.That(((ShellOrExec.Shell)cmd.Command).Command, Is.EqualTo(line[4..]));
    }

    [Test]
    public void Parse_JsonArrayWithANonString_IsAnError()
    {
        var error = Error("FROM busybox", "CMD [\"sleep\", 5]");

        Assert.That(error.Message, Does.StartWith("Dockerfile:2:5:").And.Contain("only strings"));
    }

    [Test]
    public void Parse_EmptyJsonArray_IsAnEmptyExecForm()
    {
        var cmd = Single<CmdInstruction>("CMD []");

        Assert.That(((ShellOrExec.Exec)cmd.Command).Arguments, Is.Empty);
    }

    [Test]
    public void Parse_GlobalArgsBeforeFrom_AreKeptApart()
    {
        var document = ParseLines("ARG VERSION=1.36", "ARG BASE", "FROM busybox:${VERSION} AS base", "ARG VERSION", "RUN echo $VERSION");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(document.GlobalArgs.SelectMany(a => a.Arguments), Is.EqualTo(new[]
            {
                new ArgDeclaration("VERSION", "1.36"),
                new ArgDeclaration("BASE", null),
            }));
            Assert.That(document.Stages[0].BaseName, Is.EqualTo("busybox:${VERSION}"));
            Assert.That(document.Stages[0].Instructions[0], Is.TypeOf<ArgInstruction>());
        }
    }

    [Test]
    public void Parse_Stages_AreNumberedAndNamed()
    {
        var document = ParseLines(
            "FROM busybox AS Build",
            "RUN echo build > /out",
            "FROM --platform=linux/amd64 scratch",
            "COPY --from=build /out /out",
            "FROM build AS final");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(document.Stages.Select(s => s.Index), Is.EqualTo(new[] { 0, 1, 2 }));
            Assert.That(document.Stages.Select(s => s.Name), Is.EqualTo(new[] { "build", null, "final" }));
            Assert.That(document.Stages.Select(s => s.DisplayName), Is.EqualTo(new[] { "build", "1", "final" }));
            Assert.That(document.Stages[1].Platform, Is.EqualTo("linux/amd64"));
            Assert.That(document.Stages[1].BaseName, Is.EqualTo("scratch"));
            Assert.That(document.Stages[2].Instructions, Is.Empty);
            Assert.That(document.FindStage("BUILD"), Is.SameAs(document.Stages[0]));
            Assert.That(document.FindStage("1"), Is.SameAs(document.Stages[1]));
            Assert.That(document.FindStage("3"), Is.Null);
            Assert.That(document.FindStage("missing"), Is.Null);
            Assert.That(document.FindStage("build", before: 2), Is.SameAs(document.Stages[0]));
            Assert.That(document.FindStage("final", before: 2), Is.Null);
            Assert.That(document.FindStage("2", before: 2), Is.Null);
        }
    }

    [Test]
    public void ParseTriggers_ParsesEachStoredTrigger()
    {
        var triggers = DockerfileParser.ParseTriggers(["RUN echo one", "COPY <<EOF /greeting\nhello\nEOF", "ENV A=b"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(triggers.Select(t => t.Keyword), Is.EqualTo(new[] { "RUN", "COPY", "ENV" }));
            Assert.That(((HeredocSource)((CopyInstruction)triggers[1]).Sources.Single()).Heredoc.Content, Is.EqualTo("hello\n"));
        }
    }

    [Test]
    public void ParseTriggers_FromTrigger_IsAnError()
    {
        var error = Assert.Throws<DockerfileParseException>(() => DockerfileParser.ParseTriggers(["FROM busybox"], "base:1"));

        Assert.That(error!.Message, Does.StartWith("base:1:1:1: FROM is not allowed as an ONBUILD trigger"));
    }

    [Test]
    public async Task ParseFileAsync_NamesErrorsByTheFileName()
    {
        var directory = Directory.CreateTempSubdirectory("dockerfile-test-");
        try
        {
            var path = Path.Combine(directory.FullName, "app.Dockerfile");
            await File.WriteAllTextAsync(path, "FROM busybox\nRUNN x\n");

            var error = Assert.ThrowsAsync<DockerfileParseException>(() => DockerfileParser.ParseFileAsync(path));

            Assert.That(error!.Message, Does.StartWith("app.Dockerfile:2:1:"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
