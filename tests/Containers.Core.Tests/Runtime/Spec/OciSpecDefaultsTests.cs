using System.Diagnostics;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class OciSpecDefaultsTests
{
    private const string Runc = "/usr/sbin/runc";

    private string _work = null!;

    [SetUp]
    public void SetUp() => _work = Directory.CreateTempSubdirectory("spec-defaults-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_work, recursive: true);

    internal static string RuncSpec(string directory)
    {
        if (!File.Exists(Runc))
        {
            Assert.Ignore($"needs runc at {Runc}");
        }

        using var process = Process.Start(new ProcessStartInfo(Runc, ["spec"]) { WorkingDirectory = directory, RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(30_000), Is.True, "runc spec did not finish");
        Assert.That(process.ExitCode, Is.Zero, stderr);
        return File.ReadAllText(Path.Combine(directory, "config.json"));
    }

    [Test]
    public void Create_IsFieldForFieldWhatRuncSpecWrites_ExceptOciVersion()
    {
        var runc = SpecJson.Parse(RuncSpec(_work));
        var ours = OciSpecDefaults.Create();

        // runc 1.1.5 writes "1.0.2-dev"; this runtime writes the released version it implements.
        Assert.That(runc.OciVersion, Does.StartWith("1.0."));
        Assert.That(ours.OciVersion, Is.EqualTo(OciSpec.Version));

        var difference = SpecJson.FirstDifference(SpecJson.ToNode(runc with { OciVersion = ours.OciVersion }), SpecJson.ToNode(ours));
        Assert.That(difference, Is.Null);
    }

    [Test]
    public void Create_HasRuncsCapabilitySets_WithAmbientButNoInheritable()
    {
        var capabilities = OciSpecDefaults.Create().Process!.Capabilities!;

        string[] expected = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
        Assert.That(capabilities.Bounding, Is.EqualTo(expected));
        Assert.That(capabilities.Effective, Is.EqualTo(expected));
        Assert.That(capabilities.Permitted, Is.EqualTo(expected));
        Assert.That(capabilities.Ambient, Is.EqualTo(expected));
        Assert.That(capabilities.Inheritable, Is.Null);
    }

    [Test]
    public void Create_ReturnsANewSpecEachTime_SoCallersCanChangeIt()
    {
        var first = OciSpecDefaults.Create();
        var second = OciSpecDefaults.Create();

        Assert.That(first, Is.Not.SameAs(second));
        Assert.That(first.Process!.Capabilities!.Bounding, Is.Not.SameAs(second.Process!.Capabilities!.Bounding));
        Assert.That(SpecJson.FirstDifference(SpecJson.ToNode(first), SpecJson.ToNode(second)), Is.Null);
    }

    [Test]
    public void Create_PassesTheValidator_OnceTheRootfsExists()
    {
        Directory.CreateDirectory(Path.Combine(_work, "rootfs"));

        Assert.DoesNotThrow(() => OciSpecValidator.Validate(OciSpecDefaults.Create(), _work));
    }

    [Test]
    public void DefaultDevices_AreTheSixCharacterDevicesWithTheHostsNumbers()
    {
        var devices = OciSpecDefaults.DefaultDevices;

        Assert.That(devices.Select(d => d.Path), Is.EqualTo(new[] { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty" }));
        Assert.That(devices, Has.All.Matches<OciDevice>(d => d.Type == "c" && d.FileMode == Convert.ToUInt32("666", 8) && d.Uid == 0 && d.Gid == 0));
        foreach (var device in devices)
        {
            var status = Containers.Linux.PosixFs.StatAt(null, device.Path, followSymlinks: true);
            Assert.That((status.RDevMajor, status.RDevMinor), Is.EqualTo(((uint)device.Major, (uint)device.Minor)), device.Path);
        }
    }

    [Test]
    public void DefaultDevSymlinks_PointFdAndStdioAtProcSelf_AndCoreOnlyWhenKcoreExists()
    {
        var links = OciSpecDefaults.DefaultDevSymlinks.ToDictionary(l => l.Path);

        Assert.That(links["/dev/fd"].Target, Is.EqualTo("/proc/self/fd"));
        Assert.That(links["/dev/stdin"].Target, Is.EqualTo("/proc/self/fd/0"));
        Assert.That(links["/dev/stdout"].Target, Is.EqualTo("/proc/self/fd/1"));
        Assert.That(links["/dev/stderr"].Target, Is.EqualTo("/proc/self/fd/2"));
        Assert.That(links["/dev/ptmx"].Target, Is.EqualTo("pts/ptmx"));
        Assert.That(links["/dev/core"], Is.EqualTo(new DevSymlink("/dev/core", "/proc/kcore") { OnlyIfExists = "/proc/kcore" }));
        Assert.That(links.Values.Where(l => l.Path != "/dev/core"), Has.All.Matches<DevSymlink>(l => l.OnlyIfExists is null));
    }
}
