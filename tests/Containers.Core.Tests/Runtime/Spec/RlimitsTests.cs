using System.Globalization;
using System.Text.RegularExpressions;
using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed partial class RlimitsTests
{
    [GeneratedRegex(@"^#\s*define\s+(RLIMIT_[A-Z]+)\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex RlimitDefine();

    [Test]
    public void Names_MatchTheKernelHeader()
    {
        const string header = "/usr/include/asm-generic/resource.h";
        if (!File.Exists(header))
        {
            Assert.Ignore($"needs {header} (linux-libc-dev)");
        }

        var defined = RlimitDefine().Matches(File.ReadAllText(header))
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

        Assert.That(defined, Has.Count.EqualTo(16));
        Assert.That(Rlimits.Names, Has.Count.EqualTo(16));
        foreach (var (name, number) in defined)
        {
            Assert.That(Rlimits.Parse(name), Is.EqualTo(number), name);
            Assert.That(Rlimits.GetName(number), Is.EqualTo(name));
        }
    }

    [TestCase("RLIMIT_CPU", 0)]
    [TestCase("RLIMIT_NPROC", 6)]
    [TestCase("RLIMIT_NOFILE", 7)]
    [TestCase("RLIMIT_MEMLOCK", 8)]
    [TestCase("RLIMIT_AS", 9)]
    [TestCase("RLIMIT_RTTIME", 15)]
    public void Parse_GivesTheResourceNumber(string name, int number) => Assert.That(Rlimits.Parse(name), Is.EqualTo(number));

    [Test]
    public void Parse_WithoutPrefix_SaysHowToWriteIt()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Rlimits.Parse("nofile"))!;

        Assert.That(e.Message, Does.StartWith("unknown rlimit type \"nofile\"").And.Contain("\"RLIMIT_NOFILE\""));
    }

    [Test]
    public void Parse_Unknown_ListsTheKnownNames()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Rlimits.Parse("RLIMIT_OFILE"))!;

        Assert.That(e.Message, Does.Contain("RLIMIT_CPU").And.Contain("RLIMIT_RTTIME"));
        Assert.That(Rlimits.TryParse("RLIMIT_OFILE", out _), Is.False);
    }
}
