namespace Containers.Cgroups;

/// <summary>The unit conversions between cgroup v1 and v2 knobs, as runc and crun do them.</summary>
internal static class CgroupConversions
{
    internal const ulong MinShares = 2;
    internal const ulong MaxShares = 262144;
    internal const long MaxMajor = 4095;
    internal const long MaxMinor = 1048575;

    /// <summary>USER_HZ: the unit of v1 <c>cpuacct.stat</c> is 1/100 s on every Linux ABI.</summary>
    internal const ulong UserHz = 100;

    /// <summary>cpu.shares (2–262144) to cpu.weight (1–10000): <c>1 + ((shares − 2) × 9999) / 262142</c>.</summary>
    internal static ulong SharesToWeight(ulong shares) =>
        shares <= MinShares ? 1 : 1 + ((Math.Min(shares, MaxShares) - 2) * 9999 / 262142);

    /// <summary>The inverse of <see cref="SharesToWeight"/>, for a v1 host given only a weight.</summary>
    internal static ulong WeightToShares(ulong weight) =>
        weight <= 1 ? MinShares : 2 + ((Math.Min(weight, 10000) - 1) * 262142 / 9999);

    /// <summary>blkio.weight (10–1000) to io.weight (1–10000): <c>1 + (w − 10) × 9999 / 990</c>.</summary>
    internal static ulong BlkioWeightToIoWeight(ulong weight) =>
        weight <= 10 ? 1 : 1 + ((Math.Min(weight, 1000) - 10) * 9999 / 990);

    /// <summary>
    /// The v2 <c>memory.swap.max</c> for OCI's memory+swap: −1 (<c>max</c>) stays −1, otherwise
    /// swap − limit; <see langword="null"/> when swap is not set.
    /// </summary>
    internal static long? SwapToV2(long? swap, long? limit) => swap switch
    {
        null => null,
        -1 => -1,
        _ => swap.Value - (limit ?? 0),
    };

    internal static ulong TicksToNanoseconds(ulong ticks) => ticks * (1_000_000_000 / UserHz);
}
