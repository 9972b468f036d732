namespace Containers.Errors;

/// <summary>A service or resource cannot be reached now; trying again may help.</summary>
public sealed class UnavailableException : ContainersException
{
    public UnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "unavailable";
}
