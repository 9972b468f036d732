using Containers.Images.Build.Dockerfile;

namespace Containers.Images.Build.Steps;

/// <summary>A <c>RUN --mount</c> with its source resolved on this host.</summary>
/// <param name="Target">The absolute path in the container.</param>
internal abstract record RunStepMount(string Target);

/// <summary>A file or directory of the context or of another stage, bind-mounted; with <paramref name="ReadOnly"/> false its writes go to a throwaway layer.</summary>
/// <param name="HostPath">The source, resolved inside its root: no symlink leads out of it.</param>
internal sealed record BindStepMount(string Target, string HostPath, bool ReadOnly) : RunStepMount(Target);

/// <summary>A directory kept under the builder's root between builds, named by <paramref name="Id"/>.</summary>
internal sealed record CacheStepMount(string Target, string Id, CacheSharing Sharing, bool ReadOnly, uint Uid, uint Gid, uint Mode) : RunStepMount(Target);

/// <summary>An empty tmpfs, gone with the step.</summary>
internal sealed record TmpfsStepMount(string Target, long? SizeLimit) : RunStepMount(Target);
