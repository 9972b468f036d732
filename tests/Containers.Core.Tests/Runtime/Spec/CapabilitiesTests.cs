using System.Text.RegularExpressions;
using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed partial class CapabilitiesTests
{
    [GeneratedRegex(@"^#define\s+(CAP_[A-Z_]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CapabilityDefine();

    [Test]
    public void Names_MatchTheKernelHeader()
    {
        const string header = "/usr/include/linux/capability.h";
        if (!File.Exists(header))
        {
            Assert.Ignore($"needs {header} (linux-libc-dev)");
        }

        var defined = CapabilityDefine().Matches(File.ReadAllText(header))
            .Where(m => m.Groups[1].Value != "CAP_LAST_CAP")
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(Capabilities.Names, Has.Count.EqualTo(41));
        foreach (var (name, number) in defined)
        {
            Assert.That(Capabilities.Parse(name), Is.EqualTo(number), name);
        }
    }

    [Test]
    public void Parse_KnowsTheFirstAndTheLast()
    {
        Assert.That(Capabilities.Parse("CAP_CHOWN"), Is.Zero);
        Assert.That(Capabilities.Parse("CAP_SYS_ADMIN"), Is.EqualTo(21));
        Assert.That(Capabilities.Parse("CAP_CHECKPOINT_RESTORE"), Is.EqualTo(Capabilities.Last));
        Assert.That(Capabilities.GetName(29), Is.EqualTo("CAP_AUDIT_WRITE"));
    }

    [Test]
    public void ToMask_RuncDefaults_SetsBits5And10And29()
    {
        var mask = Capabilities.ToMask(["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]);

        Assert.That(mask, Is.EqualTo((1UL << 5) | (1UL << 10) | (1UL << 29)));
        Assert.That(Capabilities.FromMask(mask), Is.EqualTo(new[] { "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE" }));
    }

    [Test]
    public void ToMask_NullOrEmpty_IsZero()
    {
        Assert.That(Capabilities.ToMask(null), Is.Zero);
        Assert.That(Capabilities.ToMask([]), Is.Zero);
    }

    [Test]
    public void ToMask_AllNames_CoversBits0To40()
    {
        Assert.That(Capabilities.ToMask(Capabilities.Names), Is.EqualTo((1UL << 41) - 1));
    }

    [Test]
    public void ToMask_UnknownName_NamesIt()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Capabilities.ToMask(["CAP_KILL", "CAP_TELEPORT"]))!;

        Assert.That(e.Message, Does.StartWith("unknown capability \"CAP_TELEPORT\""));
    }

    [TestCase("kill", "write it as \"CAP_KILL\"")]
    [TestCase("cap_kill", "write it in upper case, \"CAP_KILL\"")]
    public void Parse_NearMiss_SaysHowToSpellIt(string name, string hint)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Capabilities.Parse(name))!;

        Assert.That(e.Message, Does.Contain(hint));
    }

    [Test]
    public void ToMask_WithLastCap_DropsWhatTheKernelDoesNotKnow()
    {
        var mask = Capabilities.ToMask(["CAP_KILL", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"], lastCap: 37);

        Assert.That(mask, Is.EqualTo(1UL << 5));
    }

    [Test]
    public void KernelLastCap_IsWhatProcSays()
    {
        var text = File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim();

        Assert.That(Capabilities.KernelLastCap.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(text));
        Assert.That(Capabilities.KernelMask, Is.EqualTo((1UL << (Capabilities.KernelLastCap + 1)) - 1));
    }

    [Test]
    public void ReadLastCap_MissingFile_FallsBackToTheTablesLast() =>
        Assert.That(Capabilities.ReadLastCap("/proc/no/such/file"), Is.EqualTo(Capabilities.Last));
}
