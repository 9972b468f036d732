using Containers.Errors;
using Containers.Orchestration.Server.Authentication;

namespace Containers.Orchestration.Tests.Server;

public sealed class StaticTokenFileTests
{
    [Test]
    public async Task Parse_KubeApiserverFormat_MapsTokensToUsersAndGroups()
    {
        var file = StaticTokenFile.Parse("""
            # token,user,uid,"groups"
            31ada4fd,alice,1001,"dev,ops"
            8b7c9e,bob,1002,viewers

            c0ffee,robot,1003
            """);

        var alice = await file.AuthenticateAsync("31ada4fd");
        var bob = await file.AuthenticateAsync("8b7c9e");
        var robot = await file.AuthenticateAsync("c0ffee");

        Assert.Multiple(() =>
        {
            Assert.That(file.Count, Is.EqualTo(3));
            Assert.That(alice?.Name, Is.EqualTo("alice"));
            Assert.That(alice?.Uid, Is.EqualTo("1001"));
            Assert.That(alice?.Groups, Is.EqualTo(new[] { "dev", "ops", "system:authenticated" }));
            Assert.That(bob?.Groups, Is.EqualTo(new[] { "viewers", "system:authenticated" }));
            Assert.That(robot?.Groups, Is.EqualTo(new[] { "system:authenticated" }));
        });
    }

    [Test]
    public async Task Authenticate_UnknownToken_IsNull()
    {
        var file = StaticTokenFile.Parse("t1,alice,1");

        Assert.That(await file.AuthenticateAsync("t2"), Is.Null);
    }

    [TestCase("onlytoken,alice", "has 2 columns, needs at least 3")]
    [TestCase("t,alice,1,\"dev,ops", "unterminated quote")]
    [TestCase(",alice,1", "must not be empty")]
    public void Parse_BadLine_NamesTheLine(string line, string expected)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => StaticTokenFile.Parse("ok,bob,2\n" + line));

        Assert.That(error!.Message, Does.Contain("line 2").And.Contain(expected));
    }

    [Test]
    public void ServiceAccountUser_HasItsGroups_AndParsesBack()
    {
        var user = UserInfo.ForServiceAccount("dev", "robot");

        Assert.That(user.Name, Is.EqualTo("system:serviceaccount:dev:robot"));
        Assert.That(user.Groups, Is.EquivalentTo(new[] { "system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated" }));
        Assert.That(user.TryGetServiceAccount(out var ns, out var name), Is.True);
        Assert.That((ns, name), Is.EqualTo(("dev", "robot")));
    }
}
