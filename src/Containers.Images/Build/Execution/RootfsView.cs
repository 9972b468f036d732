namespace Containers.Images.Build.Execution;

/// <summary>A read-only view of a build state's filesystem at <see cref="Path"/>; disposing it takes the view away.</summary>
internal sealed class RootfsView(string path, Func<Task> release) : IAsyncDisposable
{
    private int _released;

    /// <summary>The root of the filesystem on this host.</summary>
    public string Path { get; } = path;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await release().ConfigureAwait(false);
        }
    }
}
