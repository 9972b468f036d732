using Containers.Errors;
using Containers.Images.Engine;

namespace Containers.Images.Tests.Engine;

/// <summary>Docker's documented rules for merging <c>docker run</c> overrides into an image config.</summary>
public sealed class ImageConfigMergeTests
{
    private const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        # a comment
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        app:x:1000:1000:App:/home/app:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
        """;

    private const string Group = """
        root:x:0:
        daemon:x:1:
        wheel:x:10:app,other
        audio:x:29:app
        app:x:1000:
        nogroup:x:65534:
        """;

    [Test]
    public void Args_WithNoOverrides_AreTheImagesEntrypointThenCmd() =>
        Assert.That(ImageConfigMerge.Args(["/entry.sh"], ["serve", "--port=80"], null, null), Is.EqualTo(new[] { "/entry.sh", "serve", "--port=80" }));

    [Test]
    public void Args_WithACmdOverride_ReplaceOnlyTheCmd() =>
        Assert.That(ImageConfigMerge.Args(["/entry.sh"], ["serve"], null, ["migrate"]), Is.EqualTo(new[] { "/entry.sh", "migrate" }));

    [Test]
    public void Args_WithAnEntrypointOverride_DropTheImagesCmd() =>
        Assert.That(ImageConfigMerge.Args(["/entry.sh"], ["serve"], ["sh"], null), Is.EqualTo(new[] { "sh" }));

    [Test]
    public void Args_WithEntrypointAndCmdOverrides_UseBoth() =>
        Assert.That(ImageConfigMerge.Args(["/entry.sh"], ["serve"], ["sh", "-c"], ["echo hi"]), Is.EqualTo(new[] { "sh", "-c", "echo hi" }));

    [Test]
    public void Args_WithAnEmptyEntrypointOverride_ClearTheEntrypointAndKeepTheImagesCmd() =>
        Assert.That(ImageConfigMerge.Args(["/entry.sh"], ["sh", "-c", "true"], [], null), Is.EqualTo(new[] { "sh", "-c", "true" }));

    [Test]
    public void Args_WithNothingToRun_AreAnInvalidArgumentSayingSo()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.Args(null, null, null, null));
        Assert.That(error!.Message, Does.Contain("no command specified"));
    }

    [Test]
    public void Env_RunEntries_OverrideTheImagesByKeyInPlaceAndAppendNewOnes()
    {
        var env = ImageConfigMerge.Env(["PATH=/bin", "A=image", "B=image"], ["A=run", "C=run"], "host", "/root");
        Assert.That(env, Is.EqualTo(new[] { "PATH=/bin", "HOSTNAME=host", "A=run", "B=image", "C=run", "HOME=/root" }));
    }

    [Test]
    public void Env_WithoutPath_GetsDockersDefaultPath()
    {
        var env = ImageConfigMerge.Env(["A=1"], [], "host", "/");
        Assert.That(env[0], Is.EqualTo("PATH=" + ImageConfigMerge.DefaultPath));
    }

    [Test]
    public void Env_ABareKey_RemovesTheImagesVariable()
    {
        var env = ImageConfigMerge.Env(["PATH=/bin", "SECRET=x", "HOME=/srv"], ["SECRET"], "h", "/root");
        Assert.That(env, Is.EqualTo(new[] { "PATH=/bin", "HOSTNAME=h", "HOME=/srv" }));
    }

    [Test]
    public void Env_AnEntryWithNoName_IsAnInvalidArgument() =>
        Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.Env([], ["=x"], "h", "/"));

    [TestCase(null, null, "/")]
    [TestCase("/app", null, "/app")]
    [TestCase("/app", "/srv/data", "/srv/data")]
    [TestCase(null, "/work", "/work")]
    public void WorkingDir_IsTheOverrideElseTheImagesElseRoot(string? image, string? run, string expected) =>
        Assert.That(ImageConfigMerge.WorkingDir(image, run), Is.EqualTo(expected));

    [Test]
    public void WorkingDir_Relative_IsAnInvalidArgument() =>
        Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.WorkingDir(null, "app"));

    [Test]
    public void User_Empty_IsRootWithItsHome() =>
        Assert.That(ImageConfigMerge.ResolveUser(null, Passwd, Group), Is.EqualTo(new ContainerUser(0, 0, [], "/root")).Using<ContainerUser>(Same));

    [Test]
    public void User_ByName_TakesUidGidAndHomeFromPasswdAndMembershipsFromGroup() =>
        Assert.That(ImageConfigMerge.ResolveUser("app", Passwd, Group), Is.EqualTo(new ContainerUser(1000, 1000, [10, 29], "/home/app")).Using<ContainerUser>(Same));

    [Test]
    public void User_NameAndGroupName_SetsThatGroupAsPrimaryWithNoAdditionalGroups() =>
        Assert.That(ImageConfigMerge.ResolveUser("app:audio", Passwd, Group), Is.EqualTo(new ContainerUser(1000, 29, [], "/home/app")).Using<ContainerUser>(Same));

    [Test]
    public void User_UidInPasswd_TakesItsPrimaryGroup() =>
        Assert.That(ImageConfigMerge.ResolveUser("65534", Passwd, Group), Is.EqualTo(new ContainerUser(65534, 65534, [], "/nonexistent")).Using<ContainerUser>(Same));

    [Test]
    public void User_UidNotInPasswd_RunsWithGidZero() =>
        Assert.That(ImageConfigMerge.ResolveUser("4242", Passwd, Group), Is.EqualTo(new ContainerUser(4242, 0, [], "/")).Using<ContainerUser>(Same));

    [Test]
    public void User_UidAndGid_NeedNoAccountFiles() =>
        Assert.That(ImageConfigMerge.ResolveUser("4242:4343", null, null), Is.EqualTo(new ContainerUser(4242, 4343, [], "/")).Using<ContainerUser>(Same));

    [Test]
    public void User_NameAndNumericGid_UsesTheGid() =>
        Assert.That(ImageConfigMerge.ResolveUser("app:5", Passwd, Group), Is.EqualTo(new ContainerUser(1000, 5, [], "/home/app")).Using<ContainerUser>(Same));

    [Test]
    public void User_UnknownName_IsAnInvalidArgumentNamingIt()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.ResolveUser("ghost", Passwd, Group));
        Assert.That(error!.Message, Does.Contain("unable to find user ghost"));
    }

    [Test]
    public void User_UnknownGroupName_IsAnInvalidArgumentNamingIt()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.ResolveUser("app:ghosts", Passwd, Group));
        Assert.That(error!.Message, Does.Contain("unable to find group ghosts"));
    }

    [Test]
    public void User_NameWithNoPasswdFile_IsAnInvalidArgument() =>
        Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.ResolveUser("app", null, null));

    [Test]
    public void User_IdAboveTheSignedRange_IsAnInvalidArgument() =>
        Assert.Throws<InvalidArgumentException>(() => ImageConfigMerge.ResolveUser("2147483648", Passwd, Group));

    private static bool Same(ContainerUser a, ContainerUser b) =>
        a.Uid == b.Uid && a.Gid == b.Gid && a.Home == b.Home && a.AdditionalGids.SequenceEqual(b.AdditionalGids);
}
