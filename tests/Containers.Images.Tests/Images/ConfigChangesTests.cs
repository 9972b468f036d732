using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class ConfigChangesTests
{
    private static readonly ContainerConfig Base = new()
    {
        Cmd = ["sh"],
        Env = ["PATH=/bin", "A=1"],
        WorkingDir = "/srv",
        Labels = new Dictionary<string, string> { ["keep"] = "yes" },
    };

    [Test]
    public void Cmd_JsonIsExecForm_AnythingElseRunsThroughTheShell()
    {
        var exec = ConfigChanges.Apply(Base, ["CMD [\"echo\", \"hi there\"]"]);
        var shell = ConfigChanges.Apply(Base, ["cmd echo hi > /out"]);
        var notJson = ConfigChanges.Apply(Base, ["CMD [not json"]);

        Assert.Multiple(() =>
        {
            Assert.That(exec.Cmd, Is.EqualTo(new[] { "echo", "hi there" }));
            Assert.That(shell.Cmd, Is.EqualTo(new[] { "/bin/sh", "-c", "echo hi > /out" }));
            Assert.That(notJson.Cmd, Is.EqualTo(new[] { "/bin/sh", "-c", "[not json" }));
        });
    }

    [Test]
    public void Entrypoint_ClearsTheOldCmd_UnlessTheChangesSetOne()
    {
        var alone = ConfigChanges.Apply(Base, ["ENTRYPOINT [\"/app\"]"]);
        var withCmd = ConfigChanges.Apply(Base, ["CMD [\"--flag\"]", "ENTRYPOINT [\"/app\"]"]);

        Assert.Multiple(() =>
        {
            Assert.That(alone.Entrypoint, Is.EqualTo(new[] { "/app" }));
            Assert.That(alone.Cmd, Is.Null);
            Assert.That(withCmd.Cmd, Is.EqualTo(new[] { "--flag" }));
        });
    }

    [Test]
    public void EnvAndLabel_TakeQuotedPairsAndTheOldSpaceForm_ReplacingKeysInPlace()
    {
        var changed = ConfigChanges.Apply(Base, ["ENV A=2 B=\"two words\" C='it''s' D=back\\ slash", "ENV E some value", "LABEL version=\"1.0\" keep=no"]);

        Assert.Multiple(() =>
        {
            Assert.That(changed.Env, Is.EqualTo(new[] { "PATH=/bin", "A=2", "B=two words", "C=its", "D=back slash", "E=some value" }));
            Assert.That(changed.Labels, Is.EqualTo(new Dictionary<string, string> { ["keep"] = "no", ["version"] = "1.0" }));
        });
    }

    [Test]
    public void ExposeVolumeWorkdirUserStopsignal_SetTheirFields()
    {
        var changed = ConfigChanges.Apply(Base, ["EXPOSE 80 53/udp 8000-8002", "VOLUME [\"/data\"]", "VOLUME /cache /logs", "WORKDIR app", "USER nobody:nogroup", "STOPSIGNAL SIGINT"]);

        Assert.Multiple(() =>
        {
            Assert.That(changed.ExposedPorts!.Keys, Is.EqualTo(new[] { "53/udp", "80/tcp", "8000/tcp", "8001/tcp", "8002/tcp" }));
            Assert.That(changed.Volumes!.Keys, Is.EqualTo(new[] { "/cache", "/data", "/logs" }));
            Assert.That(changed.WorkingDir, Is.EqualTo("/srv/app"), "a relative WORKDIR is taken from the current one");
            Assert.That(changed.User, Is.EqualTo("nobody:nogroup"));
            Assert.That(changed.StopSignal, Is.EqualTo("SIGINT"));
            Assert.That(changed.Cmd, Is.EqualTo(Base.Cmd), "what no change touches stays");
        });
    }

    [TestCase("RUN make", "\"RUN\" is not an instruction a change can make")]
    [TestCase("ENV", "ENV needs arguments")]
    [TestCase("ENV A=\"open", "a double quote is not closed")]
    [TestCase("ENV lonely", "has no value")]
    [TestCase("EXPOSE 90-80", "port range \"90-80\"")]
    [TestCase("EXPOSE http", "port \"http\" must be a number")]
    public void Apply_MalformedChange_NamesTheLineAndWhatIsWrong(string change, string why)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ConfigChanges.Apply(Base, [change]));

        Assert.That(error!.Message, Does.Contain(why));
    }
}
