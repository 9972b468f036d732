namespace Containers.Errors;

/// <summary>The system is not in the state the operation needs.</summary>
public sealed class FailedPreconditionException : ContainersException
{
    public FailedPreconditionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "failed precondition";
}
