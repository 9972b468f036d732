using Containers.Images.Build.Dockerfile;
using static Containers.Images.Tests.Build.Dockerfile.DockerfileTestHelpers;

namespace Containers.Images.Tests.Build.Dockerfile;

public sealed class InstructionParsingTests
{
    [Test]
    public void Run_ShellForm_KeepsTheTextAsWritten()
    {
        var run = Single<RunInstruction>("RUN echo \"$HOME\" 'a  b' > /x");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Command, Is.EqualTo(new ShellOrExec.Shell("echo \"$HOME\" 'a  b' > /x")));
            Assert.That(run.Mounts, Is.Empty);
            Assert.That(run.Network, Is.EqualTo(RunNetwork.Default));
            Assert.That(run.Security, Is.EqualTo(RunSecurity.Sandbox));
            Assert.That(run.ShellScript, Is.EqualTo("echo \"$HOME\" 'a  b' > /x"));
        }
    }

    [Test]
    public void Run_ExecForm_IsNotExpandedOrSplit()
    {
        var run = Single<RunInstruction>("RUN [\"/bin/echo\", \"$HOME\"]");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ShellOrExec.Exec)run.Command).Arguments, Is.EqualTo(new[] { "/bin/echo", "$HOME" }));
            Assert.That(run.ShellScript, Is.Null);
        }
    }

    [Test]
    public void Run_Flags_AreParsed()
    {
        var run = Single<RunInstruction>(
            "RUN --mount=type=cache,target=/root/.cache,id=go,sharing=locked,mode=0700,uid=1000,gid=1000 \\",
            "    --mount=type=bind,source=src,target=/src,from=build,rw \\",
            "    --mount=type=tmpfs,target=/tmp,size=64m \\",
            "    --mount=type=secret,id=token,target=/run/secrets/token,required \\",
            "    --mount=type=ssh \\",
            "    --network=none --security=insecure make");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Command, Is.EqualTo(new ShellOrExec.Shell("make")));
            Assert.That(run.Network, Is.EqualTo(RunNetwork.None));
            Assert.That(run.Security, Is.EqualTo(RunSecurity.Insecure));
            Assert.That(run.Mounts, Has.Length.EqualTo(5));
            var cache = run.Mounts[0];
            Assert.That(cache.Type, Is.EqualTo(RunMountType.Cache));
            Assert.That(cache.Target, Is.EqualTo("/root/.cache"));
            Assert.That(cache.Id, Is.EqualTo("go"));
            Assert.That(cache.Sharing, Is.EqualTo(CacheSharing.Locked));
            Assert.That(cache.Mode, Is.EqualTo(0x1C0u));
            Assert.That(cache.Uid, Is.EqualTo(1000u));
            Assert.That(cache.Gid, Is.EqualTo(1000u));
            Assert.That(cache.ReadOnly, Is.False);
            var bind = run.Mounts[1];
            Assert.That(bind.Type, Is.EqualTo(RunMountType.Bind));
            Assert.That(bind.Source, Is.EqualTo("src"));
            Assert.That(bind.From, Is.EqualTo("build"));
            Assert.That(bind.ReadOnly, Is.False);
            Assert.That(run.Mounts[2].SizeLimit, Is.EqualTo(64L * 1024 * 1024));
            Assert.That(run.Mounts[3].Required, Is.True);
            Assert.That(run.Mounts[3].ReadOnly, Is.True);
            Assert.That(run.Mounts[4].Type, Is.EqualTo(RunMountType.Ssh));
        }
    }

    [Test]
    public void Run_MountFlagInQuotes_IsUnquoted()
    {
        var run = Single<RunInstruction>("RUN --mount=\"type=bind,target=/x\" true");

        Assert.That(run.Mounts.Single().Target, Is.EqualTo("/x"));
    }

    [Test]
    public void Run_DoubleDash_EndsTheFlags()
    {
        var run = Single<RunInstruction>("RUN --network=host -- --not-a-flag");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Network, Is.EqualTo(RunNetwork.Host));
            Assert.That(run.Command, Is.EqualTo(new ShellOrExec.Shell("--not-a-flag")));
        }
    }

    [Test]
    public void From_WithPlatformAndName_IsParsed()
    {
        var from = ParseLines("FROM --platform=$BUILDPLATFORM golang:1.22 as Builder").Stages[0].From;

        Assert.That(from, Is.EqualTo(new FromInstruction(new SourceLocation(1, 1), from.Original, "golang:1.22", "builder", "$BUILDPLATFORM")));
    }

    [Test]
    public void Copy_Flags_AreParsed()
    {
        var copy = Single<CopyInstruction>("COPY --from=build --chown=app:app --chmod=0644 --link a.txt b*.txt /dest/");

        Assert.That(copy, Is.EqualTo(copy with
        {
            From = "build",
            Chown = "app:app",
            Chmod = "0644",
            Link = true,
            Destination = "/dest/",
        }));
        Assert.That(copy.Sources, Is.EqualTo(new CopySource[] { new PathSource("a.txt"), new PathSource("b*.txt") }));
    }

    [Test]
    public void Copy_WithoutFlags_HasDefaults()
    {
        var copy = Single<CopyInstruction>("COPY . /app");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copy.From, Is.Null);
            Assert.That(copy.Chown, Is.Null);
            Assert.That(copy.Chmod, Is.Null);
            Assert.That(copy.Link, Is.False);
        }
    }

    [Test]
    public void Copy_JsonForm_AllowsSpacesInPaths()
    {
        var copy = Single<CopyInstruction>("COPY [\"my file.txt\", \"other\", \"/dest dir/\"]");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copy.Sources, Is.EqualTo(new CopySource[] { new PathSource("my file.txt"), new PathSource("other") }));
            Assert.That(copy.Destination, Is.EqualTo("/dest dir/"));
        }
    }

    [Test]
    public void Copy_LinkFalse_IsFalse()
    {
        var copy = Single<CopyInstruction>("COPY --link=false a /b");

        Assert.That(copy.Link, Is.False);
    }

    [Test]
    public void Add_Flags_AreParsed()
    {
        var add = Single<AddInstruction>(
            "ADD --chown=1:2 --chmod=600 --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d --keep-git-dir=true https://example.com/a.tar /x");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(add.Chown, Is.EqualTo("1:2"));
            Assert.That(add.Chmod, Is.EqualTo("600"));
            Assert.That(add.Checksum, Does.StartWith("sha256:2445"));
            Assert.That(add.KeepGitDir, Is.True);
            Assert.That(add.Link, Is.False);
            Assert.That(add.Sources.Single(), Is.EqualTo(new PathSource("https://example.com/a.tar")));
        }
    }

    [Test]
    public void Env_KeyValueForm_KeepsQuotesForTheExpander()
    {
        var env = Single<EnvInstruction>("ENV A=1 B=\"two words\" C=three\\ words D= E='$A'");

        Assert.That(env.Variables, Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("A", "1"),
            new("B", "\"two words\""),
            new("C", "three\\ words"),
            new("D", string.Empty),
            new("E", "'$A'"),
        }));
    }

    [Test]
    public void Env_LegacyForm_TakesTheRestOfTheLineAsTheValueWithAWarning()
    {
        var document = ParseLines("FROM busybox", "ENV MY_NAME John Doe");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(((EnvInstruction)document.Stages[0].Instructions.Single()).Variables.Single(),
                Is.EqualTo(new KeyValuePair<string, string>("MY_NAME", "John Doe")));
            Assert.That(document.Warnings.Single().Message, Does.Contain("legacy"));
        }
    }

    [Test]
    public void Env_ContinuedOverLines_KeepsEveryPair()
    {
        var env = Single<EnvInstruction>("ENV A=1 \\", "    B=2");

        Assert.That(env.Variables.Select(v => v.Key), Is.EqualTo(new[] { "A", "B" }));
    }

    [Test]
    public void Label_Pairs_AreKeptInOrder()
    {
        var label = Single<LabelInstruction>("LABEL \"com.example.vendor\"=\"ACME Inc\" version=1.0 description=\"multi \\", "line\"");

        Assert.That(label.Labels, Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("\"com.example.vendor\"", "\"ACME Inc\""),
            new("version", "1.0"),
            new("description", "\"multi line\""),
        }));
    }

    [Test]
    public void Arg_NamesAndDefaults_AreParsed()
    {
        var arg = Single<ArgInstruction>("ARG A B=2 C=\"x y\" D=");

        Assert.That(arg.Arguments, Is.EqualTo(new[]
        {
            new ArgDeclaration("A", null),
            new ArgDeclaration("B", "2"),
            new ArgDeclaration("C", "\"x y\""),
            new ArgDeclaration("D", string.Empty),
        }));
    }

    [Test]
    public void Workdir_User_StopSignal_Maintainer_KeepTheirText()
    {
        var document = ParseLines("FROM busybox", "WORKDIR /a b/$DIR", "USER app:staff", "STOPSIGNAL SIGQUIT", "MAINTAINER Jane <jane@example.com>");

        var i = document.Stages[0].Instructions;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((WorkdirInstruction)i[0]).Path, Is.EqualTo("/a b/$DIR"));
            Assert.That(((UserInstruction)i[1]).User, Is.EqualTo("app:staff"));
            Assert.That(((StopSignalInstruction)i[2]).Signal, Is.EqualTo("SIGQUIT"));
            Assert.That(((MaintainerInstruction)i[3]).Name, Is.EqualTo("Jane <jane@example.com>"));
            Assert.That(document.Warnings.Single().Message, Does.Contain("MAINTAINER is deprecated"));
        }
    }

    [Test]
    public void Expose_KeepsEachPortWord()
    {
        var expose = Single<ExposeInstruction>("EXPOSE 80 53/udp ${PORT}/tcp 8000-8010");

        Assert.That(expose.Ports, Is.EqualTo(new[] { "80", "53/udp", "${PORT}/tcp", "8000-8010" }));
    }

    [TestCase("VOLUME /data /logs")]
    [TestCase("VOLUME [\"/data\", \"/logs\"]")]
    public void Volume_JsonOrWords_GiveThePaths(string line)
    {
        var volume = Single<VolumeInstruction>(line);

        Assert.That(volume.Paths, Is.EqualTo(new[] { "/data", "/logs" }));
    }

    [Test]
    public void Entrypoint_And_Cmd_TakeBothForms()
    {
        var document = ParseLines("FROM busybox", "ENTRYPOINT [\"/bin/sh\", \"-c\"]", "CMD echo hello");

        var i = document.Stages[0].Instructions;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ShellOrExec.Exec)((EntrypointInstruction)i[0]).Command).Arguments, Is.EqualTo(new[] { "/bin/sh", "-c" }));
            Assert.That(((CmdInstruction)i[1]).Command, Is.EqualTo(new ShellOrExec.Shell("echo hello")));
        }
    }

    [Test]
    public void Shell_TakesAJsonArray()
    {
        var shell = Single<ShellInstruction>("SHELL [\"/bin/sh\", \"-ec\"]");

        Assert.That(shell.Shell, Is.EqualTo(new[] { "/bin/sh", "-ec" }));
    }

    [Test]
    public void Healthcheck_Cmd_WithEveryFlag()
    {
        var check = Single<HealthcheckInstruction>(
            "HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1.5s --retries=3 CMD wget -q -O- http://localhost/ || exit 1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.IsNone, Is.False);
            Assert.That(check.Command, Is.EqualTo(new ShellOrExec.Shell("wget -q -O- http://localhost/ || exit 1")));
            Assert.That(check.Interval, Is.EqualTo(TimeSpan.FromSeconds(90)));
            Assert.That(check.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(check.StartPeriod, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(check.StartInterval, Is.EqualTo(TimeSpan.FromSeconds(1.5)));
            Assert.That(check.Retries, Is.EqualTo(3));
        }
    }

    [Test]
    public void Healthcheck_CmdExecForm_WithoutFlags()
    {
        var check = Single<HealthcheckInstruction>("HEALTHCHECK cmd [\"true\"]");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(((ShellOrExec.Exec)check.Command!).Arguments, Is.EqualTo(new[] { "true" }));
            Assert.That(check.Interval, Is.Null);
            Assert.That(check.Retries, Is.Null);
        }
    }

    [Test]
    public void Healthcheck_None_DisablesTheCheck()
    {
        var check = Single<HealthcheckInstruction>("HEALTHCHECK NONE");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.IsNone, Is.True);
            Assert.That(check.Command, Is.Null);
        }
    }

    [Test]
    public void OnBuild_WrapsTheInnerInstruction()
    {
        var onBuild = Single<OnBuildInstruction>("onbuild  COPY --chown=app . /app/src");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onBuild.TriggerText, Is.EqualTo("COPY --chown=app . /app/src"));
            var copy = (CopyInstruction)onBuild.Trigger;
            Assert.That(copy.Chown, Is.EqualTo("app"));
            Assert.That(copy.Location, Is.EqualTo(new SourceLocation(2, 10)));
        }
    }
}
