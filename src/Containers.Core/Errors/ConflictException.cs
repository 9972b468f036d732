namespace Containers.Errors;

/// <summary>The state changed underneath the caller (a stale version, a busy resource).</summary>
public sealed class ConflictException : ContainersException
{
    public ConflictException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "conflict";
}
