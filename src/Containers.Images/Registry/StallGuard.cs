using Containers.Errors;

namespace Containers.Images.Registry;

/// <summary>
/// A deadline that moves: armed before each wait on the network (the response, each read), it
/// cancels <see cref="Token"/> when one wait lasts longer than the stall timeout, and says so in
/// a clear error instead of a bare cancellation.
/// </summary>
internal sealed class StallGuard : IDisposable
{
    private readonly CancellationTokenSource _stall;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;
    private readonly TimeSpan _timeout;

    public StallGuard(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        _caller = cancellationToken;
        _stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stall.Token);
    }

    /// <summary>Cancelled by the caller, or by a stall.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Restarts the deadline: the next wait may take the whole timeout.</summary>
    public void Arm() => _stall.CancelAfter(_timeout);

    /// <summary>True when <paramref name="exception"/> is this guard's stall rather than the caller's cancellation.</summary>
    public bool Stalled(Exception exception) =>
        exception is OperationCanceledException && _stall.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>The error a stall ends in.</summary>
    public UnavailableException Error(string what, string progress) => new(
        $"{what} stalled: no bytes for {_timeout.TotalSeconds:0.#} s{progress}; check the network or the registry, or raise RegistryOptions.StallTimeout");

    public void Dispose()
    {
        _linked.Dispose();
        _stall.Dispose();
    }
}
