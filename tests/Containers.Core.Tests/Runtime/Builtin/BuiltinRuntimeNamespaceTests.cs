using Containers.Processes;
using Containers.Runtime.Spec;

namespace Containers.Core.Tests.Runtime.Builtin;

/// <summary>User namespaces with id maps, and containers that join another's namespaces, as a pod's do.</summary>
public sealed class BuiltinRuntimeNamespaceTests : BuiltinRuntimeTest
{
    [Test]
    public async Task UserNamespace_MapsRootToAnUnprivilegedHostUser()
    {
        var id = NewId();
        var bundle = MakeBundle(
            id,
            s => s with
            {
                Linux = s.Linux! with
                {
                    Namespaces = [.. s.Linux.Namespaces!, new OciNamespace { Type = "user" }],
                    UidMappings = [new OciIdMapping { ContainerId = 0, HostId = 200000, Size = 65536 }],
                    GidMappings = [new OciIdMapping { ContainerId = 0, HostId = 200000, Size = 65536 }],
                },
            },
            "sh", "-c", "id -u; cat /proc/self/uid_map; sleep 5");

        // The mapped root is an ordinary user outside: it must be able to reach the rootfs.
        File.SetUnixFileMode(bundle.Path, (UnixFileMode)0x1ED);
        await using var created = await Runtime.CreateAsync(new Containers.Runtime.ContainerCreateRequest(id, bundle.Path) { Stdio = StdioMode.Pipes, DieWithOwner = true });
        await Runtime.StartAsync(id);
        var reader = new StreamReader(created.Io.StandardOutput!);
        var uid = await reader.ReadLineAsync();
        var map = await reader.ReadLineAsync();
        var hostUid = File.ReadAllLines($"/proc/{created.Pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        await Runtime.KillAsync(id, 9);
        await Runtime.WaitAsync(id);

        Assert.That(uid, Is.EqualTo("0"), "root inside");
        Assert.That(map!.Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0", "200000", "65536" }));
        Assert.That(hostUid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], Is.EqualTo("200000"), "an unprivileged user outside");
    }

    [Test]
    public async Task Pod_SecondContainer_JoinsTheFirstsNamespaces()
    {
        var infra = NewId();
        await using var first = await CreateAsync(infra, s => s with { Hostname = "pod-host" }, StdioMode.Null, "sleep", "60");
        await Runtime.StartAsync(infra);
        var pid = first.Pid;
        string[] shared = ["uts", "ipc", "net"];

        var (exit, output, error) = await RunAsync(
            s => s with
            {
                Hostname = null,
                Linux = s.Linux! with
                {
                    Namespaces =
                    [
                        .. s.Linux.Namespaces!.Where(n => n.Type is not ("uts" or "ipc")),
                        new OciNamespace { Type = "uts", Path = $"/proc/{pid}/ns/uts" },
                        new OciNamespace { Type = "ipc", Path = $"/proc/{pid}/ns/ipc" },
                        new OciNamespace { Type = "network", Path = $"/proc/{pid}/ns/net" },
                    ],
                },
            },
            "sh", "-c", "hostname; for n in uts ipc net pid; do readlink /proc/self/ns/$n; done");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(exit.ExitCode, Is.EqualTo(0), error);
        Assert.That(lines[0], Is.EqualTo("pod-host"));
        for (var i = 0; i < shared.Length; i++)
        {
            Assert.That(lines[i + 1], Is.EqualTo(Containers.Linux.PosixFs.ReadLinkAt(null, $"/proc/{pid}/ns/{shared[i]}")), shared[i]);
        }

        Assert.That(lines[4], Is.Not.EqualTo(Containers.Linux.PosixFs.ReadLinkAt(null, $"/proc/{pid}/ns/pid")), "its own pid namespace");
    }
}
