using System.Runtime.InteropServices;

namespace Containers.Linux;

internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    internal static unsafe partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
