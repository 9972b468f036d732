using Containers.Linux;

namespace Containers.Runtime.Spec;

/// <summary>
/// A spec mount's options as mount(2) takes them: flags, a propagation change to make after
/// the mount, and the filesystem's own data string.
/// </summary>
/// <param name="Flags">MS_* flags for the mount call (MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC…).</param>
/// <param name="PropagationFlags">
/// MS_PRIVATE, MS_SHARED, MS_SLAVE or MS_UNBINDABLE, possibly with MS_REC, for a second
/// mount(2) call on the target; 0 when the options name none.
/// </param>
/// <param name="Data">The options mount(2) does not know as flags, comma-joined: <c>mode=755,size=65536k</c>.</param>
internal readonly record struct ParsedMountOptions(ulong Flags, ulong PropagationFlags, string Data)
{
    /// <summary>The mount is a bind mount (<c>bind</c> or <c>rbind</c>); its type is then ignored.</summary>
    public bool IsBind => (Flags & LibC.MS_BIND) != 0;

    /// <summary>A bind mount that takes the submounts too (<c>rbind</c>).</summary>
    public bool IsRecursiveBind => IsBind && (Flags & LibC.MS_REC) != 0;
}
