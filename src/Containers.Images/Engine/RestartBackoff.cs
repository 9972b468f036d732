namespace Containers.Images.Engine;

/// <summary>
/// Docker's restart back-off: 100 ms before the first restart, doubling before each next one up to
/// a minute, and back to 100 ms when the run before lasted 10 s or more.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ResetAfter = TimeSpan.FromSeconds(10);

    private TimeSpan _delay;

    /// <summary>The wait before restarting a container whose run lasted <paramref name="ran"/>.</summary>
    public TimeSpan Next(TimeSpan ran)
    {
        if (ran >= ResetAfter)
        {
            _delay = TimeSpan.Zero;
        }

        _delay = _delay == TimeSpan.Zero ? Initial : _delay * 2;
        if (_delay > Max)
        {
            _delay = Max;
        }

        return _delay;
    }

    /// <summary>A start by hand begins the back-off again.</summary>
    public void Reset() => _delay = TimeSpan.Zero;
}
