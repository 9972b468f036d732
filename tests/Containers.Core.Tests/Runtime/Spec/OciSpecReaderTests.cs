using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Spec;

/// <summary>The fast reader gives exactly what the source-generated serializer gives.</summary>
public sealed class OciSpecReaderTests
{
    private static IEnumerable<TestCaseData> Specs()
    {
        yield return new TestCaseData(JsonSerializer.Serialize(OciSpecJsonTests.Full(), OciJsonContext.Default.OciSpec)).SetName("Read_FullSpec_MatchesTheSerializer");
        yield return new TestCaseData(JsonSerializer.Serialize(OciSpecDefaults.Create(), OciJsonContext.Default.OciSpec)).SetName("Read_DefaultSpec_MatchesTheSerializer");
        yield return new TestCaseData("""{"process": {"args": ["true"], "cwd": null}}""").SetName("Read_MinimalSpec_MatchesTheSerializer");
        yield return new TestCaseData("""
            {
              "ociVersion": "1.2.0",
              "process": { "args": ["sh"], "scheduler": { "policy": "SCHED_IDLE" }, "user": { "uid": 0, "gid": 0, "extra": 1 } },
              "mounts": [{ "destination": "/m", "uidMappings": [{ "containerID": 0, "hostID": 1, "size": 1 }] }],
              "linux": { "personality": { "domain": "LINUX32" }, "resources": { "hugepageLimits": [], "memory": { "kernel": 5 }, "cpu": { "idle": 1 }, "blockIO": { "leafWeight": 10 } } },
              "vm": { "hypervisor": { "path": "/x" } }
            }
            """).SetName("Read_UnknownFields_AreKeptAsTheSerializerKeepsThem");
    }

    [TestCaseSource(nameof(Specs))]
    public void Read(string json)
    {
        var expected = JsonSerializer.Deserialize(json, OciJsonContext.Default.OciSpec)!;
        var actual = OciSpecReader.Read(Encoding.UTF8.GetBytes(json), "config.json");
        Assert.That(SpecJson.FirstDifference(SpecJson.ToNode(expected), SpecJson.ToNode(actual)), Is.Null);
    }

    [TestCase("""{"process": {"user": {"uid": -1}}}""", "$.process.user.uid must be a number from 0 to 4294967295, not the number -1")]
    [TestCase("""{"process": {"args": "sh"}}""", "$.process.args must be an array, not the string \"sh\"")]
    [TestCase("""{"process": {"args": [1]}}""", "$.process.args[0] must be a string, not the number 1")]
    [TestCase("""{"linux": {"namespaces": [{"type": "pid"}, 3]}}""", "$.linux.namespaces[1] must be an object, not the number 3")]
    [TestCase("""{"process": {"terminal": "yes"}}""", "$.process.terminal must be true or false")]
    [TestCase("""{"linux": {"sysctl": {"net.ipv4.ip_forward": 1}}}""", "$.linux.sysctl.net.ipv4.ip_forward must be a string")]
    public void Read_WrongType_NamesThePathAndWhatItMustBe(string json, string message)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => OciSpecReader.Read(Encoding.UTF8.GetBytes(json), "/b/config.json"));
        Assert.That(error!.Message, Does.StartWith("/b/config.json: ").And.Contain(message));
    }

    [Test]
    public void Read_NotJson_ThrowsJsonExceptionWithThePosition()
    {
        var error = Assert.Throws(Is.InstanceOf<JsonException>(), () => OciSpecReader.Read("{\"process\": }"u8.ToArray(), "config.json"));
        Assert.That(((JsonException)error!).LineNumber, Is.EqualTo(0));
    }

    [Test]
    public void RoundTrip_ThroughTheReaderAndTheSerializer_ChangesNothing()
    {
        var json = JsonSerializer.Serialize(OciSpecJsonTests.Full(), OciJsonContext.Default.OciSpec);
        var written = JsonSerializer.Serialize(OciSpecReader.Read(Encoding.UTF8.GetBytes(json), "config.json"), OciJsonContext.Default.OciSpec);
        Assert.That(SpecJson.FirstDifference(JsonNode.Parse(json), JsonNode.Parse(written)), Is.Null);
    }
}
