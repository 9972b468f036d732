using Containers.Errors;
using Containers.Images.Build.Dockerfile;
using static Containers.Images.Tests.Build.Dockerfile.DockerfileTestHelpers;

namespace Containers.Images.Tests.Build.Dockerfile;

public sealed class ParseErrorTests
{
    [Test]
    public void UnknownInstruction_NearMiss_SuggestsTheInstruction()
    {
        var error = Error("FROM busybox", "", "", "", "", "", "RUNN echo hi");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Is.EqualTo("Dockerfile:7:1: unknown instruction 'RUNN'; did you mean 'RUN'?"));
            Assert.That(error.Location, Is.EqualTo(new SourceLocation(7, 1)));
            Assert.That(error.FileName, Is.EqualTo("Dockerfile"));
            Assert.That(error.Problem, Is.EqualTo("unknown instruction 'RUNN'; did you mean 'RUN'?"));
            Assert.That(error, Is.InstanceOf<InvalidArgumentException>());
        }
    }

    [TestCase("COPPY a b", "did you mean 'COPY'?")]
    [TestCase("ENTRYPIONT x", "did you mean 'ENTRYPOINT'?")]
    [TestCase("workdri /x", "did you mean 'WORKDIR'?")]
    public void UnknownInstruction_Misspelt_SuggestsTheClosest(string line, string suggestion)
    {
        Assert.That(Error("FROM busybox", line).Message, Does.EndWith(suggestion));
    }

    [Test]
    public void UnknownInstruction_FarFromAny_ListsTheInstructions()
    {
        var error = Error("FROM busybox", "  XYZZY foo");

        Assert.That(error.Message, Does.StartWith("Dockerfile:2:3: unknown instruction 'XYZZY'; the instructions are ADD, ARG"));
    }

    [Test]
    public void InstructionBeforeFrom_IsAnError()
    {
        var error = Error("ARG A=1", "RUN echo hi", "FROM busybox");

        Assert.That(error.Message, Is.EqualTo(
            "Dockerfile:2:1: RUN comes before the first FROM: only ARG may come before FROM; start the stage with FROM image"));
    }

    [Test]
    public void EmptyFile_IsAnError()
    {
        var error = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse("# only a comment\n\n"));

        Assert.That(error!.Message, Is.EqualTo("Dockerfile:1:1: the Dockerfile has no instructions: it needs at least FROM image"));
    }

    [Test]
    public void OnlyArgs_IsAnError()
    {
        Assert.That(Error("ARG A", "ARG B").Message, Does.StartWith("Dockerfile:2:1: the Dockerfile has no FROM"));
    }

    [Test]
    public void DuplicateStageName_IsAnError()
    {
        var error = Error("FROM busybox AS one", "FROM busybox AS ONE");

        Assert.That(error.Message, Is.EqualTo("Dockerfile:2:1: stage name 'one' is already used by the stage at line 1; give each stage its own name"));
    }

    [TestCase("FROM busybox AS 1st", 17)]
    [TestCase("FROM busybox AS my/stage", 17)]
    public void InvalidStageName_IsAnErrorAtTheName(string line, int column)
    {
        var error = Error(line);

        Assert.That(error.Location, Is.EqualTo(new SourceLocation(1, column)));
        Assert.That(error.Problem, Does.StartWith("stage name"));
    }

    [TestCase("FROM")]
    [TestCase("FROM busybox AS")]
    [TestCase("FROM busybox FOO bar")]
    public void From_WithWrongArguments_IsAnError(string line)
    {
        Assert.That(Error(line).Problem, Does.StartWith("FROM"));
    }

    [Test]
    public void UnknownFlag_IsAnErrorAtTheFlag_WithASuggestion()
    {
        var error = Error("FROM busybox", "COPY --chwon=1 a b");

        Assert.That(error.Message, Is.EqualTo("Dockerfile:2:6: unknown flag --chwon for COPY; did you mean --chown?"));
    }

    [Test]
    public void FlagOnAContinuationLine_IsLocatedOnThatLine()
    {
        var error = Error("FROM busybox", "RUN --network=none \\", "    --mount=type=cache \\", "    make");

        Assert.That(error.Location, Is.EqualTo(new SourceLocation(3, 5)));
        Assert.That(error.Problem, Does.Contain("needs a 'target'"));
    }

    [TestCase("RUN --mount=type=cach,target=/x true", "unsupported mount type 'cach'")]
    [TestCase("RUN --mount=type=cache,target=/x,sharing=all true", "unsupported cache sharing 'all'")]
    [TestCase("RUN --mount=type=bind,target=/x,mode=0755 true", "'mode' is not allowed for type=bind")]
    [TestCase("RUN --mount=type=cache,target=/x,mode=9 true", "takes an octal number")]
    [TestCase("RUN --mount=type=cache,target=/x,uid=-1 true", "takes a decimal number")]
    [TestCase("RUN --mount=type=cache,targt=/x true", "unknown mount key 'targt' in 'targt=/x'; did you mean 'target'?")]
    [TestCase("RUN --mount=type=bind,target=/x,required true", "only for secret and ssh")]
    [TestCase("RUN --mount=type=secret true", "needs an 'id', a 'source' or a 'target'")]
    [TestCase("RUN --mount=type=secret,id=a,from=b true", "takes no 'from'")]
    [TestCase("RUN --mount=type=bind,target=/x,from=$STAGE true", "define an alias stage")]
    [TestCase("RUN --mount=type=bind,target=/x,ro=maybe true", "takes true or false")]
    [TestCase("RUN --mount=type=bind,target=/x,size=1g true", "only for type=tmpfs")]
    [TestCase("RUN --mount=type=bind,foo true", "must be a key=value pair")]
    [TestCase("RUN --network=bridge true", "not a network mode")]
    [TestCase("RUN --security=root true", "not a security mode")]
    [TestCase("RUN --device=/dev/fuse true", "not supported")]
    [TestCase("RUN --network true", "needs a value")]
    [TestCase("RUN --network=none --network=host true", "given twice")]
    [TestCase("RUN", "RUN needs a command")]
    [TestCase("RUN []", "no command")]
    public void Run_BadFlagsOrCommand_AreErrors(string line, string problem)
    {
        var error = Error("FROM busybox", line);

        Assert.That(error.Location.Line, Is.EqualTo(2));
        Assert.That(error.Problem, Does.Contain(problem));
    }

    [TestCase("COPY a", "at least one source and a destination")]
    [TestCase("COPY --parents a b", "not supported")]
    [TestCase("COPY --exclude=*.md a b", "not supported")]
    [TestCase("COPY --link=maybe a b", "true or false")]
    [TestCase("COPY --link= a b", "has no value")]
    [TestCase("ADD --from=x a b", "unknown flag --from for ADD")]
    [TestCase("ADD --unpack a b", "not supported")]
    [TestCase("COPY [\"a\", 1, \"b\"]", "only strings")]
    [TestCase("ENV", "at least one name=value")]
    [TestCase("ENV A", "has no value")]
    [TestCase("ENV A=1 B", "'B' has no '='")]
    [TestCase("ENV =1", "empty name")]
    [TestCase("LABEL a=b c", "'c' has no '='")]
    [TestCase("ARG", "ARG needs a name")]
    [TestCase("ARG =x", "empty name")]
    [TestCase("WORKDIR", "WORKDIR needs a path")]
    [TestCase("USER", "USER needs")]
    [TestCase("EXPOSE", "at least one port")]
    [TestCase("VOLUME", "at least one path")]
    [TestCase("VOLUME [\"\"]", "cannot be empty")]
    [TestCase("SHELL /bin/sh -c", "JSON array")]
    [TestCase("SHELL []", "JSON array")]
    [TestCase("STOPSIGNAL", "STOPSIGNAL needs")]
    [TestCase("CMD", "CMD needs a command")]
    [TestCase("ENTRYPOINT", "ENTRYPOINT needs a command")]
    [TestCase("CMD --flag x", "CMD takes no flags")]
    [TestCase("HEALTHCHECK", "needs CMD command or NONE")]
    [TestCase("HEALTHCHECK RUN true", "unknown HEALTHCHECK type 'RUN'")]
    [TestCase("HEALTHCHECK NONE extra", "takes no arguments")]
    [TestCase("HEALTHCHECK --interval=5s NONE", "takes no flags")]
    [TestCase("HEALTHCHECK CMD", "needs a command")]
    [TestCase("HEALTHCHECK --interval=5 CMD true", "not a duration")]
    [TestCase("HEALTHCHECK --interval=10us CMD true", "less than 1ms")]
    [TestCase("HEALTHCHECK --retries=-1 CMD true", "not a count")]
    [TestCase("HEALTHCHECK --timeuot=1s CMD true", "did you mean --timeout?")]
    [TestCase("ONBUILD", "needs an instruction")]
    [TestCase("ONBUILD ONBUILD RUN x", "ONBUILD ONBUILD is not allowed")]
    [TestCase("ONBUILD FROM busybox", "FROM is not allowed as an ONBUILD trigger")]
    [TestCase("ONBUILD maintainer me", "MAINTAINER is not allowed as an ONBUILD trigger")]
    [TestCase("ONBUILD RUNN x", "did you mean 'RUN'?")]
    [TestCase("ONBUILD --x RUN y", "ONBUILD takes no flags")]
    public void Instructions_WithBadArguments_AreErrors(string line, string problem)
    {
        var error = Error("FROM busybox", line);

        Assert.That(error.Location.Line, Is.EqualTo(2));
        Assert.That(error.Problem, Does.Contain(problem));
    }

    [Test]
    public void OnBuildInnerError_IsLocatedAtTheInnerInstruction()
    {
        var error = Error("FROM busybox", "ONBUILD   RUNN x");

        Assert.That(error.Location, Is.EqualTo(new SourceLocation(2, 11)));
    }

    [Test]
    public void TooLarge_IsAnError()
    {
        var content = "FROM busybox\n" + new string('#', DockerfileParser.MaxBytes);

        var error = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse(content));

        Assert.That(error!.Problem, Does.Contain("the limit is 8388608 bytes"));
    }

    [Test]
    public void TooManyLines_IsAnError()
    {
        var content = "FROM busybox" + new string('\n', DockerfileParser.MaxLines + 1);

        var error = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse(content));

        Assert.That(error!.Problem, Does.Contain($"the limit is {DockerfileParser.MaxLines}"));
    }
}
