namespace Containers.Errors;

/// <summary>The thing asked for does not exist.</summary>
public sealed class NotFoundException : ContainersException
{
    public NotFoundException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "not found";
}
