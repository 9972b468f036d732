using System.Diagnostics;
using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class SignalsTests
{
    [TestCase("KILL", 9)]
    [TestCase("SIGKILL", 9)]
    [TestCase("sigkill", 9)]
    [TestCase("9", 9)]
    [TestCase("TERM", 15)]
    [TestCase("SIGTERM", 15)]
    [TestCase("term", 15)]
    [TestCase("HUP", 1)]
    [TestCase("INT", 2)]
    [TestCase("USR1", 10)]
    [TestCase("USR2", 12)]
    [TestCase("CHLD", 17)]
    [TestCase("CLD", 17)]
    [TestCase("IOT", 6)]
    [TestCase("POLL", 29)]
    [TestCase("WINCH", 28)]
    [TestCase("SYS", 31)]
    [TestCase("RTMIN", 34)]
    [TestCase("SIGRTMIN+3", 37)]
    [TestCase("RTMAX-1", 63)]
    [TestCase("RTMAX", 64)]
    [TestCase("64", 64)]
    [TestCase(" TERM ", 15)]
    public void Parse_NameNumberOrRealtimeForm_GivesTheSignal(string text, int number) =>
        Assert.That(Signals.Parse(text), Is.EqualTo(number));

    [TestCase("")]
    [TestCase("0")]
    [TestCase("65")]
    [TestCase("-9")]
    [TestCase("SIGFOO")]
    [TestCase("RTMIN+31")]
    [TestCase("RTMAX-31")]
    [TestCase("99999999999")]
    public void Parse_NotASignal_IsInvalidArgumentNamingTheText(string text)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Signals.Parse(text))!;

        Assert.That(e.Message, Does.StartWith($"unknown signal \"{text}\"").And.Contain("TERM"));
    }

    [Test]
    public void GetName_MatchesBashKillL_ForEverySignal()
    {
        const string bash = "/bin/bash";
        if (!File.Exists(bash))
        {
            Assert.Ignore($"needs {bash}");
        }

        var numbers = Enumerable.Range(1, 64).Where(n => n is not (32 or 33)).ToArray();
        using var process = Process.Start(new ProcessStartInfo(bash, ["-c", $"for i in {string.Join(' ', numbers)}; do kill -l $i; done"]) { RedirectStandardOutput = true })!;
        var names = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(process.WaitForExit(30_000), Is.True);

        Assert.That(names, Has.Length.EqualTo(numbers.Length));
        for (var i = 0; i < numbers.Length; i++)
        {
            Assert.That(Signals.GetName(numbers[i]), Is.EqualTo("SIG" + names[i]), $"signal {numbers[i]}");
            Assert.That(Signals.Parse(names[i]), Is.EqualTo(numbers[i]), names[i]);
        }
    }
}
