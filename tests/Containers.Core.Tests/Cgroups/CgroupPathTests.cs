using Containers.Cgroups;
using Containers.Errors;

namespace Containers.Core.Tests.Cgroups;

public sealed class CgroupPathTests
{
    [TestCase("containers/abc", false)]
    [TestCase("/containers/abc", true)]
    [TestCase("abc/", false)]
    public void Parse_PlainPath_IsAccepted(string value, bool absolute)
    {
        var path = CgroupPath.Parse(value);

        Assert.That(path.IsAbsolute, Is.EqualTo(absolute));
        Assert.That(path.Value, Does.Not.EndWith("/"));
        Assert.That(path.Name, Is.EqualTo(value.TrimEnd('/').Split('/')[^1]));
    }

    [TestCase("", "empty")]
    [TestCase("/", "root")]
    [TestCase("../escape", "\"..\"")]
    [TestCase("a/../../b", "\"..\"")]
    [TestCase("a/./b", "\".\"")]
    [TestCase("a//b", "empty component")]
    [TestCase("a\0b", "NUL")]
    [TestCase("a\nb", "line break")]
    public void Parse_UnsafePath_IsRejectedSayingWhy(string value, string why)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => CgroupPath.Parse(value));

        Assert.That(error!.Message, Does.Contain(why));
        Assert.That(CgroupPath.TryParse(value, out _), Is.False);
    }

    [Test]
    public void Join_OneComponent_AppendsIt()
    {
        Assert.That(CgroupPath.Parse("/a").Join("b").Value, Is.EqualTo("/a/b"));
    }

    [TestCase("..")]
    [TestCase("b/c")]
    [TestCase("")]
    public void Join_NotOneSafeComponent_IsRejected(string name)
    {
        Assert.Throws<InvalidArgumentException>(() => CgroupPath.Parse("/a").Join(name));
    }

    [Test]
    public void Resolve_RelativePath_JoinsOntoOwnCgroupAndAbsoluteDoesNot()
    {
        Assert.That(CgroupPath.Parse("c/d").Resolve("/process_api/x"), Is.EqualTo("/process_api/x/c/d"));
        Assert.That(CgroupPath.Parse("c/d").Resolve("/"), Is.EqualTo("/c/d"));
        Assert.That(CgroupPath.Parse("/c/d").Resolve("/process_api/x"), Is.EqualTo("/c/d"));
    }
}
