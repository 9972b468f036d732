namespace Containers.Errors;

/// <summary>The thing to create exists already.</summary>
public sealed class AlreadyExistsException : ContainersException
{
    public AlreadyExistsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "already exists";
}
