using System.Runtime.InteropServices;

namespace Containers.Linux;

/// <summary>
/// Random ids from the kernel's getrandom(2). RandomNumberGenerator goes through OpenSSL on Linux,
/// and its first use (loading libssl and reading openssl.cnf) costs a short command some 2.5 ms
/// for 32 bytes that the kernel hands out directly.
/// </summary>
internal static class SecureRandom
{
    /// <summary>Fills <paramref name="buffer"/> from the kernel's CSPRNG, blocking only until it is seeded at boot.</summary>
    public static unsafe void Fill(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var filled = 0;
            while (filled < buffer.Length)
            {
                var got = LibC.GetRandom(start + filled, (nuint)(buffer.Length - filled), 0);
                if (got < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    throw new IOException($"getrandom failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                filled += (int)got;
            }
        }
    }

    /// <summary>A lowercase hex string of <paramref name="length"/> characters (even), as Docker's 64-character ids.</summary>
    public static string HexString(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 256);
        Span<byte> bytes = stackalloc byte[(length + 1) / 2];
        Fill(bytes);
        return Convert.ToHexStringLower(bytes)[..length];
    }
}
