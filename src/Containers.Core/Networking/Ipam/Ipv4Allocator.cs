using System.Globalization;
using System.Net;
using System.Text;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Networking.Ipam;

/// <summary>
/// Hands out the IPv4 addresses of one subnet: the gateway is <c>.1</c>, containers get the
/// lowest free address from <c>.2</c> on. The allocations live in one file,
/// <c>allocations</c>, in the network's state directory, one tab-separated line each
/// (address, container id, host interface, hostname). Every read-modify-write holds an
/// exclusive flock on that directory, so allocators in one process and in others never hand
/// out one address twice; the file is replaced by a rename, so a crash leaves the old or the new.
/// </summary>
internal sealed class Ipv4Allocator
{
    private const string FileName = "allocations";

    public Ipv4Allocator(string directory, Ipv4Subnet subnet)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
        Subnet = subnet;
    }

    public string Directory { get; }

    public Ipv4Subnet Subnet { get; }

    private string FilePath => Path.Combine(Directory, FileName);

    /// <summary>
    /// Reserves the next free address for <paramref name="containerId"/>.
    /// <see cref="AlreadyExistsException"/> when that container has one already;
    /// <see cref="UnavailableException"/> when the subnet is full.
    /// </summary>
    public async Task<Ipv4Allocation> AllocateAsync(string containerId, string hostInterface, string? hostname, CancellationToken cancellationToken = default)
    {
        using var _ = await DirectoryLock.AcquireAsync(Directory, cancellationToken).ConfigureAwait(false);
        var allocations = Read();
        if (allocations.FirstOrDefault(a => a.ContainerId == containerId) is { } existing)
        {
            throw new AlreadyExistsException($"container \"{containerId}\" is connected to network {Subnet} already, with address {existing.Address}; disconnect it first");
        }

        var taken = allocations.Select(a => Subnet.OffsetOf(a.Address)).ToHashSet();
        for (var offset = 2u; offset <= (uint)Subnet.ContainerCapacity + 1; offset++)
        {
            if (!taken.Contains(offset))
            {
                var allocation = new Ipv4Allocation(Subnet.AddressAt(offset), containerId, hostInterface, hostname);
                allocations.Add(allocation);
                Write(allocations);
                return allocation;
            }
        }

        throw new UnavailableException($"network {Subnet} has no free address for container \"{containerId}\": all {Subnet.ContainerCapacity} are taken; disconnect a container or use a larger subnet");
    }

    /// <summary>Gives the address of <paramref name="containerId"/> back; returns what it held, or null when it held none.</summary>
    public async Task<Ipv4Allocation?> ReleaseAsync(string containerId, CancellationToken cancellationToken = default)
    {
        using var _ = await DirectoryLock.AcquireAsync(Directory, cancellationToken).ConfigureAwait(false);
        var allocations = Read();
        var index = allocations.FindIndex(a => a.ContainerId == containerId);
        if (index < 0)
        {
            return null;
        }

        var released = allocations[index];
        allocations.RemoveAt(index);
        Write(allocations);
        return released;
    }

    /// <summary>Every allocation, in address order.</summary>
    public async Task<IReadOnlyList<Ipv4Allocation>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var _ = await DirectoryLock.AcquireAsync(Directory, cancellationToken).ConfigureAwait(false);
        return Read();
    }

    private List<Ipv4Allocation> Read()
    {
        var result = new List<Ipv4Allocation>();
        if (!File.Exists(FilePath))
        {
            return result;
        }

        foreach (var line in File.ReadAllLines(FilePath))
        {
            var fields = line.Split('\t');
            if (fields.Length < 3 || !IPAddress.TryParse(fields[0], out var address) || !Subnet.Contains(address))
            {
                throw new InvalidDataException($"\"{FilePath}\" has a line that is not an allocation in {Subnet}: \"{line}\"");
            }

            result.Add(new Ipv4Allocation(address, fields[1], fields[2], fields.Length > 3 && fields[3].Length > 0 ? fields[3] : null));
        }

        return result;
    }

    private void Write(List<Ipv4Allocation> allocations)
    {
        allocations.Sort((a, b) => Subnet.OffsetOf(a.Address).CompareTo(Subnet.OffsetOf(b.Address)));
        var text = new StringBuilder();
        foreach (var a in allocations)
        {
            text.Append(CultureInfo.InvariantCulture, $"{a.Address}\t{a.ContainerId}\t{a.HostInterface}\t{a.Hostname}\n");
        }

        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, FilePath, overwrite: true);
    }
}
