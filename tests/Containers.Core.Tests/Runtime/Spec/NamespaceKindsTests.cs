using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class NamespaceKindsTests
{
    [TestCase("pid", NamespaceKind.Pid, 0x20000000UL, "pid")]
    [TestCase("network", NamespaceKind.Network, 0x40000000UL, "net")]
    [TestCase("mount", NamespaceKind.Mount, 0x00020000UL, "mnt")]
    [TestCase("ipc", NamespaceKind.Ipc, 0x08000000UL, "ipc")]
    [TestCase("uts", NamespaceKind.Uts, 0x04000000UL, "uts")]
    [TestCase("user", NamespaceKind.User, 0x10000000UL, "user")]
    [TestCase("cgroup", NamespaceKind.Cgroup, 0x02000000UL, "cgroup")]
    [TestCase("time", NamespaceKind.Time, 0x80UL, "time")]
    public void Table_MapsSpecTypeToCloneFlagAndProcFile(string type, NamespaceKind kind, ulong flag, string procFile)
    {
        Assert.That(NamespaceKinds.Parse(type), Is.EqualTo(kind));
        Assert.That(kind.ToOciType(), Is.EqualTo(type));
        Assert.That(kind.ToCloneFlag(), Is.EqualTo(flag));
        Assert.That(kind.ToProcFileName(), Is.EqualTo(procFile));
        Assert.That(kind.ProcPath(42), Is.EqualTo($"/proc/42/ns/{procFile}"));
    }

    [Test]
    public void ProcFileNames_ExistForThisProcess()
    {
        foreach (var kind in NamespaceKinds.All)
        {
            var path = kind.ProcPath(Environment.ProcessId);
            if (kind == NamespaceKind.Time && !File.Exists(path))
            {
                continue; // time namespaces need Linux 5.6
            }

            Assert.That(File.Exists(path), Is.True, path);
        }
    }

    [Test]
    public void All_HasEachKindOnce_WithDistinctFlags()
    {
        Assert.That(NamespaceKinds.All, Is.EquivalentTo(Enum.GetValues<NamespaceKind>()));
        Assert.That(NamespaceKinds.All.Select(k => k.ToCloneFlag()), Is.Unique);
    }

    [Test]
    public void ToCloneFlags_OrsTheFlags() =>
        Assert.That(NamespaceKinds.ToCloneFlags([NamespaceKind.Pid, NamespaceKind.Mount, NamespaceKind.Network]), Is.EqualTo(0x20000000UL | 0x20000UL | 0x40000000UL));

    [TestCase("net", "\"network\"")]
    [TestCase("mnt", "\"mount\"")]
    [TestCase("PID", "use one of pid, network")]
    public void Parse_Unknown_SaysWhatToWrite(string type, string hint)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => NamespaceKinds.Parse(type))!;

        Assert.That(e.Message, Does.StartWith($"unknown namespace type \"{type}\"").And.Contain(hint));
    }
}
