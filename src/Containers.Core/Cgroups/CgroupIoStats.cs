namespace Containers.Cgroups;

/// <summary>
/// Block I/O summed over every device (v1 <c>blkio.throttle.io_service_bytes_recursive</c> and
/// <c>io_serviced_recursive</c>, v2 <c>io.stat</c> rbytes, wbytes, rios and wios).
/// </summary>
public readonly record struct CgroupIoStats(ulong ReadBytes, ulong WriteBytes, ulong ReadOperations, ulong WriteOperations);
