namespace Containers.Testing;

internal sealed partial class RegistryServer
{
    /// <summary>
    /// As <see cref="StartAsync"/>, but marks the test ignored when the server is not installed
    /// (a failure to start still fails it).
    /// </summary>
    public static Task<RegistryServer> StartOrIgnoreAsync(string? auth = null, Action<string>? prepare = null)
    {
        if (!File.Exists(ServerPath))
        {
            Assert.Ignore($"needs the reference registry at {ServerPath} (apt-get install docker-registry)");
        }

        return StartAsync(auth, prepare);
    }
}
