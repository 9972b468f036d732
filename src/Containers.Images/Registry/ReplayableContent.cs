namespace Containers.Images.Registry;

/// <summary>
/// A request body that can be sent more than once, each time from the start: the mark that lets
/// <see cref="RetryHandler"/> retry a request that carries one, and the client follow a 307 with it.
/// </summary>
public abstract class ReplayableContent : HttpContent
{
}
