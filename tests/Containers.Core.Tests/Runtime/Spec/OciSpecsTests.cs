using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

public sealed class OciSpecsTests
{
    private string _bundle = null!;

    [SetUp]
    public void SetUp() => _bundle = Directory.CreateTempSubdirectory("spec-bundle-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_bundle, recursive: true);

    private string ConfigPath => Path.Combine(_bundle, "config.json");

    [Test]
    public void Load_ConfigWrittenByRuncSpec_ReadsEveryPart()
    {
        OciSpecDefaultsTests.RuncSpec(_bundle);

        var spec = OciSpecs.Load(_bundle);

        Assert.That(spec.Process!.Args, Is.EqualTo(new[] { "sh" }));
        Assert.That(spec.Process.Rlimits!.Single(), Is.EqualTo(new OciRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }));
        Assert.That(spec.Root, Is.EqualTo(new OciRoot { Path = "rootfs", Readonly = true }));
        Assert.That(spec.Mounts!.Select(m => m.Destination), Does.Contain("/dev/pts").And.Contain("/sys/fs/cgroup"));
        Assert.That(spec.Linux!.Namespaces!.Select(n => n.Type), Is.EqualTo(new[] { "pid", "network", "ipc", "uts", "mount" }));
        Assert.That(spec.Linux.Resources!.Devices!.Single().Access, Is.EqualTo("rwm"));
    }

    [Test]
    public async Task LoadAsync_ConfigWrittenByRuncSpec_EqualsTheSyncLoad()
    {
        OciSpecDefaultsTests.RuncSpec(_bundle);

        var spec = await OciSpecs.LoadAsync(_bundle);

        Assert.That(SpecJson.FirstDifference(SpecJson.ToNode(OciSpecs.Load(_bundle)), SpecJson.ToNode(spec)), Is.Null);
        Assert.That(spec.Hostname, Is.EqualTo("runc"));
    }

    [Test]
    public void Load_NoConfigJson_IsNotFoundNamingThePathAndTheCommandToRun()
    {
        var e = Assert.Throws<NotFoundException>(() => OciSpecs.Load(_bundle))!;

        Assert.That(e.Message, Does.Contain(ConfigPath).And.Contain("containers runtime spec"));
    }

    [Test]
    public void LoadAsync_BundleDirectoryMissing_IsNotFound()
    {
        var missing = Path.Combine(_bundle, "nope");

        var e = Assert.ThrowsAsync<NotFoundException>(() => OciSpecs.LoadAsync(missing))!;

        Assert.That(e.Message, Does.Contain(Path.Combine(missing, "config.json")));
    }

    [Test]
    public void Load_BrokenJson_IsInvalidArgumentWithLineAndPosition()
    {
        File.WriteAllText(ConfigPath, "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": { \"args\": [\"sh\" }\n}\n");

        var e = Assert.Throws<InvalidArgumentException>(() => OciSpecs.Load(_bundle))!;

        Assert.That(e.Message, Does.Contain(ConfigPath).And.Contain("line 3, position"));
        Assert.That(e.InnerException, Is.InstanceOf<System.Text.Json.JsonException>());
    }

    [Test]
    public void Load_WrongTypeForAField_NamesTheField()
    {
        File.WriteAllText(ConfigPath, "{\"ociVersion\": \"1.0.2\", \"process\": {\"terminal\": \"yes\"}}");

        var e = Assert.Throws<InvalidArgumentException>(() => OciSpecs.Load(_bundle))!;

        Assert.That(e.Message, Does.Contain("$.process.terminal").And.Contain("line 1"));
    }

    [Test]
    public void Load_MountWithoutDestination_IsInvalidArgument()
    {
        File.WriteAllText(ConfigPath, "{\"ociVersion\": \"1.0.2\", \"mounts\": [{\"type\": \"proc\"}]}");

        var e = Assert.Throws<InvalidArgumentException>(() => OciSpecs.Load(_bundle))!;

        Assert.That(e.Message, Does.Contain("destination"));
    }

    [Test]
    public void Load_JsonNull_IsInvalidArgument()
    {
        File.WriteAllText(ConfigPath, "null");

        var e = Assert.Throws<InvalidArgumentException>(() => OciSpecs.Load(_bundle))!;

        Assert.That(e.Message, Does.Contain("null"));
    }

    [Test]
    public void Save_ThenLoad_GivesTheSameSpec_AndLeavesNoTempFile()
    {
        var spec = OciSpecDefaults.Create() with { Hostname = "box" };

        OciSpecs.Save(spec, _bundle);

        Assert.That(SpecJson.FirstDifference(SpecJson.ToNode(spec), SpecJson.ToNode(OciSpecs.Load(_bundle))), Is.Null);
        Assert.That(Directory.GetFiles(_bundle).Select(Path.GetFileName), Is.EqualTo(new[] { "config.json" }));
    }

    [Test]
    public async Task SaveAsync_ReplacesAnExistingFile_ByDefault()
    {
        File.WriteAllText(ConfigPath, "old");

        await OciSpecs.SaveAsync(OciSpecDefaults.Create() with { Hostname = "new" }, _bundle);

        Assert.That((await OciSpecs.LoadAsync(_bundle)).Hostname, Is.EqualTo("new"));
        Assert.That(Directory.GetFiles(_bundle), Has.Length.EqualTo(1));
    }

    [Test]
    public void Save_WithoutOverwrite_RefusesAnExistingFile_AndKeepsIt()
    {
        File.WriteAllText(ConfigPath, "keep me");

        var e = Assert.Throws<AlreadyExistsException>(() => OciSpecs.Save(OciSpecDefaults.Create(), _bundle, overwrite: false))!;

        Assert.That(e.Message, Is.EqualTo($"File {ConfigPath} exists. Remove it first"));
        Assert.That(File.ReadAllText(ConfigPath), Is.EqualTo("keep me"));
        Assert.That(Directory.GetFiles(_bundle), Has.Length.EqualTo(1));
    }

    [Test]
    public void Save_IntoMissingBundleDirectory_IsNotFound()
    {
        var e = Assert.Throws<NotFoundException>(() => OciSpecs.Save(OciSpecDefaults.Create(), Path.Combine(_bundle, "missing")))!;

        Assert.That(e.Message, Does.Contain("missing"));
    }

    [Test]
    public void Save_WritesTheSpecsCamelCaseKeys_AndOmitsNulls()
    {
        OciSpecs.Save(OciSpecDefaults.Create(), _bundle);
        var text = File.ReadAllText(ConfigPath);

        Assert.That(text, Does.Contain("\"noNewPrivileges\": true").And.Contain("\"readonlyPaths\""));
        Assert.That(text, Does.Not.Contain("null"));
    }
}
