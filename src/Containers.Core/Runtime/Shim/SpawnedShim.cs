namespace Containers.Runtime.Shim;

/// <summary>A shim that has been spawned and waits for its plan: its channel, and the pid of its first process.</summary>
internal readonly record struct SpawnedShim(ShimChannel Channel, int Pid);
