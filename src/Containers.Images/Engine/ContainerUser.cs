namespace Containers.Images.Engine;

/// <summary>The identity a container's process runs as, resolved from a user spec and the rootfs's account files.</summary>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="AdditionalGids">The groups that list the user as a member, besides the primary one.</param>
/// <param name="Home">The home directory from <c>/etc/passwd</c>, or <c>/</c>.</param>
internal sealed record ContainerUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string Home);
