namespace Containers.Errors;

/// <summary>Bytes did not hash to the digest (or size) that was promised for them.</summary>
public sealed class DigestMismatchException : ContainersException
{
    public DigestMismatchException(string message, string expected, string actual, Exception? innerException = null)
        : base(message, innerException)
    {
        Expected = expected;
        Actual = actual;
    }

    public string Expected { get; }

    public string Actual { get; }

    public override string Kind => "digest mismatch";
}
