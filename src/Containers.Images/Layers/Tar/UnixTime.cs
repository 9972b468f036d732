namespace Containers.Images.Layers.Tar;

/// <summary>
/// A point in time as Linux keeps it: seconds since the epoch and nanoseconds. <see cref="DateTimeOffset"/>
/// stops at 100 ns, which would change every mtime that passes through a layer.
/// </summary>
public readonly record struct UnixTime(long Seconds, uint Nanoseconds) : IComparable<UnixTime>
{
    public static UnixTime Epoch => default;

    public static UnixTime FromDateTimeOffset(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }

        return new UnixTime(seconds, (uint)(rest * 100));
    }

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks((Seconds * TimeSpan.TicksPerSecond) + (Nanoseconds / 100));

    public int CompareTo(UnixTime other) =>
        Seconds != other.Seconds ? Seconds.CompareTo(other.Seconds) : Nanoseconds.CompareTo(other.Nanoseconds);

    public static bool operator <(UnixTime left, UnixTime right) => left.CompareTo(right) < 0;

    public static bool operator >(UnixTime left, UnixTime right) => left.CompareTo(right) > 0;

    public static bool operator <=(UnixTime left, UnixTime right) => left.CompareTo(right) <= 0;

    public static bool operator >=(UnixTime left, UnixTime right) => left.CompareTo(right) >= 0;

    public override string ToString() => Nanoseconds == 0 ? $"{Seconds}" : $"{Seconds}.{Nanoseconds:D9}";
}
