using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class MountOptionParserTests
{
    // Kernel values, written out so that a wrong constant in LibC fails here too.
    private const ulong RdOnly = 1, NoSuid = 2, NoDev = 4, NoExec = 8, Synchronous = 16, Remount = 32, DirSync = 128;
    private const ulong NoAtime = 1024, NoDirAtime = 2048, Bind = 4096, Rec = 16384, PosixAcl = 1 << 16;
    private const ulong Unbindable = 1 << 17, Private = 1 << 18, Slave = 1 << 19, Shared = 1 << 20, RelAtime = 1 << 21;
    private const ulong IVersion = 1 << 23, StrictAtime = 1 << 24, LazyTime = 1 << 25;

    // Expected values worked out by hand from runc 1.1.5's parseMountOptions table.
    private static IEnumerable<TestCaseData> RuncCases()
    {
        yield return Case("runc's /dev", ["nosuid", "strictatime", "mode=755", "size=65536k"], NoSuid | StrictAtime, 0, "mode=755,size=65536k");
        yield return Case("runc's /dev/pts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"], NoSuid | NoExec, 0, "newinstance,ptmxmode=0666,mode=0620,gid=5");
        yield return Case("runc's /sys/fs/cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"], NoSuid | NoExec | NoDev | RelAtime | RdOnly, 0, "");
        yield return Case("a read-only rbind", ["rbind", "rprivate", "ro"], Bind | Rec | RdOnly, Private | Rec, "");
        yield return Case("rw after ro", ["ro", "rw"], 0, 0, "");
        yield return Case("ro after rw", ["rw", "ro"], RdOnly, 0, "");
        yield return Case("exec clearing noexec", ["noexec", "exec", "nosuid"], NoSuid, 0, "");
        yield return Case("suid and dev clearing", ["nosuid", "nodev", "suid", "dev"], 0, 0, "");
        yield return Case("atime options", ["noatime", "atime", "relatime", "norelatime", "strictatime"], StrictAtime, 0, "");
        yield return Case("sync options", ["sync", "async", "dirsync", "mand", "nomand", "lazytime"], DirSync | LazyTime, 0, "");
        yield return Case("remount", ["remount", "silent", "loud", "ro"], Remount | RdOnly, 0, "");
        yield return Case("acl and iversion", ["nodiratime", "acl", "iversion"], NoDirAtime | PosixAcl | IVersion, 0, "");
        yield return Case("noacl, noiversion, diratime clear", ["nodiratime", "acl", "iversion", "noacl", "noiversion", "diratime"], 0, 0, "");
        yield return Case("sync alone", ["sync"], Synchronous, 0, "");
        yield return Case("noatime alone", ["noatime"], NoAtime, 0, "");
        yield return Case("bind with shared", ["bind", "rshared"], Bind, Shared | Rec, "");
        yield return Case("slave", ["bind", "slave"], Bind, Slave, "");
        yield return Case("runbindable", ["runbindable"], 0, Unbindable | Rec, "");
        yield return Case("unknown options are data, in order", ["size=1m", "nosuid", "uid=0"], NoSuid, 0, "size=1m,uid=0");
    }

    private static TestCaseData Case(string name, string[] options, ulong flags, ulong propagation, string data) =>
        new TestCaseData(options, flags, propagation, data).SetName($"Parse_{name.Replace(' ', '_')}_GivesRuncsFlagsAndData");

    [TestCaseSource(nameof(RuncCases))]
    public void Parse_MatchesRunc(string[] options, ulong flags, ulong propagation, string data)
    {
        var parsed = MountOptionParser.Parse(options);

        Assert.That(parsed, Is.EqualTo(new ParsedMountOptions(flags, propagation, data)));
    }

    [Test]
    public void Parse_Null_IsNoFlagsAndNoData() =>
        Assert.That(MountOptionParser.Parse(null), Is.EqualTo(new ParsedMountOptions(0, 0, string.Empty)));

    [Test]
    public void Parse_Rbind_IsARecursiveBind()
    {
        var parsed = MountOptionParser.Parse(["rbind"]);

        Assert.That(parsed.IsBind, Is.True);
        Assert.That(parsed.IsRecursiveBind, Is.True);
        Assert.That(MountOptionParser.Parse(["bind"]).IsRecursiveBind, Is.False);
        Assert.That(MountOptionParser.Parse(["nosuid"]).IsBind, Is.False);
    }

    [Test]
    public void Parse_TwoPropagations_LastOneWins() =>
        Assert.That(MountOptionParser.Parse(["rprivate", "shared"]).PropagationFlags, Is.EqualTo(Shared));

    [Test]
    public void Parse_Defaults_IsDroppedRatherThanPassedAsData()
    {
        // runc 1.1.5 passes "defaults" to the kernel as data, where tmpfs rejects it; this runtime drops it.
        Assert.That(MountOptionParser.Parse(["defaults", "mode=700"]), Is.EqualTo(new ParsedMountOptions(0, 0, "mode=700")));
    }

    [Test]
    public void Parse_NoSymFollow_SetsTheFlagAndSymFollowClearsIt()
    {
        Assert.That(MountOptionParser.Parse(["nosymfollow"]).Flags, Is.EqualTo(256));
        Assert.That(MountOptionParser.Parse(["nosymfollow", "symfollow"]).Flags, Is.Zero);
    }

    [TestCase("tmpcopyup")]
    [TestCase("idmap")]
    [TestCase("ridmap")]
    public void Parse_UnsupportedOption_SaysSoAndWhatToDoInstead(string option)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => MountOptionParser.Parse(["nosuid", option]))!;

        Assert.That(e.Message, Does.StartWith($"mount option \"{option}\" is not supported: ").And.Contain(';'));
    }

    [Test]
    public void Parse_RecursiveReadOnly_IsRefusedAndPointsAtTheNonRecursiveOption()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => MountOptionParser.Parse(["rbind", "rro"]))!;

        Assert.That(e.Message, Does.Contain("\"rro\"").And.Contain("use \"ro\""));
    }
}
