using Containers.Errors;

namespace Containers.Orchestration.Store;

/// <summary>
/// The revision asked for is no longer kept (compacted), or a watcher fell too far behind: the
/// client lists again and watches from the list's resourceVersion (HTTP 410, reason Expired).
/// </summary>
public sealed class GoneException : ContainersException
{
    public GoneException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string Kind => "gone";
}
