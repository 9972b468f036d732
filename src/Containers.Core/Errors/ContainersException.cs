namespace Containers.Errors;

/// <summary>
/// The one base of every error this platform raises, in the spirit of containerd's errdefs:
/// callers branch on the subclass, people read the message.
/// </summary>
public abstract class ContainersException : Exception
{
    protected ContainersException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>A short, stable word for the kind of failure (for CLIs and logs).</summary>
    public abstract string Kind { get; }
}
