using System.Buffers.Binary;
using System.Text;
using Containers.Errors;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Shim;

namespace Containers.Core.Tests.Runtime.Shim;

/// <summary>The log and owner-death records a create request adds to a shim's plan.</summary>
public sealed class CreateRequestOpsTests
{
    [Test]
    public void Add_OwnerDeathCleanup_DetachesDeeperMountsFirstThenRemovesInOrder()
    {
        var request = new ContainerCreateRequest("c", "/b")
        {
            DieWithOwner = true,
            LogPath = "/state/c/log.jsonl",
            OwnerDeathCleanup = new OwnerDeathCleanup { Unmount = ["/root/c/rootfs", "/root/c/rootfs/proc/x/", "/root/c/other"], Remove = ["/root/c/", "/root/snapshots/7"] },
        };
        var plan = new ShimPlan();

        CreateRequestOps.Validate(request);
        CreateRequestOps.Add(plan, request);

        Assert.That(Decode(plan), Is.EqualTo(new[]
        {
            (ShimOp.LogFile, "/state/c/log.jsonl"),
            (ShimOp.OwnerGoneUnmount, "/root/c/rootfs/proc/x"),
            (ShimOp.OwnerGoneUnmount, "/root/c/rootfs"),
            (ShimOp.OwnerGoneUnmount, "/root/c/other"),
            (ShimOp.OwnerGoneRemove, "/root/c"),
            (ShimOp.OwnerGoneRemove, "/root/snapshots/7"),
        }));
    }

    [Test]
    public void Add_NeitherLogNorCleanup_AddsNothing()
    {
        var plan = new ShimPlan();
        CreateRequestOps.Add(plan, new ContainerCreateRequest("c", "/b") { DieWithOwner = true });
        Assert.That(plan.Bytes.Length, Is.Zero);
    }

    [TestCase(StdioMode.Pipes, "/log", false, "Stdio must be Null")]
    [TestCase(StdioMode.Null, "log.jsonl", false, "absolute path")]
    [TestCase(StdioMode.Null, null, false, "set DieWithOwner")]
    public void Validate_AContradictoryRequest_IsInvalidArgumentSayingWhatToDo(StdioMode stdio, string? log, bool dieWithOwner, string advice)
    {
        var request = new ContainerCreateRequest("c", "/b")
        {
            Stdio = stdio,
            LogPath = log,
            DieWithOwner = dieWithOwner,
            OwnerDeathCleanup = log is null ? new OwnerDeathCleanup { Remove = ["/x"] } : null,
        };
        Assert.That(() => CreateRequestOps.Validate(request), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contains(advice));
    }

    [TestCase("/")]
    [TestCase("relative/dir")]
    [TestCase("/..")]
    public void Validate_ACleanupPathThatIsRelativeOrTheRoot_IsInvalidArgument(string path)
    {
        var request = new ContainerCreateRequest("c", "/b") { DieWithOwner = true, OwnerDeathCleanup = new OwnerDeathCleanup { Remove = [path] } };
        Assert.That(() => CreateRequestOps.Validate(request), Throws.InstanceOf<InvalidArgumentException>().With.Message.Contains(path));
    }

    private static List<(ShimOp Op, string Arg)> Decode(ShimPlan plan)
    {
        var records = new List<(ShimOp, string)>();
        var bytes = plan.Bytes.Span;
        while (bytes.Length > 0)
        {
            var op = (ShimOp)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
            bytes = bytes[8..];
            Assert.That(count, Is.EqualTo(1), $"{op} takes one path");
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            records.Add((op, Encoding.UTF8.GetString(bytes.Slice(4, length))));
            bytes = bytes[(4 + length)..];
        }

        return records;
    }
}
