using Containers.Errors;

namespace Containers.Core.Tests.Errors;

public sealed class ErrorKindsTests
{
    [Test]
    public void EveryErrorKind_SharesOneBaseAndHasAStableWord()
    {
        ContainersException[] errors =
        [
            new NotFoundException("m"), new AlreadyExistsException("m"), new ConflictException("m"),
            new InvalidArgumentException("m"), new UnavailableException("m"), new FailedPreconditionException("m"),
            new DigestMismatchException("m", "a", "b"),
        ];

        Assert.That(errors.Select(e => e.Kind), Is.Unique.And.None.Empty);
    }
}
