namespace Containers.Errors;

/// <summary>A value given by the caller, or read from outside, breaks a rule.</summary>
public class InvalidArgumentException : ContainersException
{
    public InvalidArgumentException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "invalid argument";
}
