using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Containers.Testing;

/// <summary>
/// The reference registry (<c>docker-registry</c>, distribution v2, from the system's packages)
/// started for a test on 127.0.0.1 at a free port, with its own configuration and storage in a
/// temporary directory. Disposing it kills the process it started (by its pid only) and removes
/// the directory. Shared, as a linked file, by the test projects that talk to a real registry.
/// </summary>
internal sealed class RegistryServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/docker-registry";

    private const int MaxLog = 64 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _log;

    private RegistryServer(Process process, StringBuilder log, string directory, int port)
    {
        _process = process;
        _log = log;
        Directory = directory;
        Port = port;
    }

    /// <summary>The temporary directory: <c>config.yml</c>, <c>data/</c>, and whatever the test put there.</summary>
    public string Directory { get; }

    public int Port { get; }

    /// <summary>The registry's name in image references: <c>127.0.0.1:port</c>.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://{Authority}/");

    /// <summary>What the registry has logged so far (bounded), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Marks the test ignored where the reference registry is not installed.</summary>
    public static void RequireOrIgnore()
    {
        if (!File.Exists(Executable))
        {
            Assert.Ignore($"needs the reference registry at {Executable} (apt-get install docker-registry)");
        }
    }

    /// <summary>
    /// Starts a registry and waits until it answers <c>/v2/</c>. <paramref name="auth"/>, given the
    /// server's directory, writes there what authentication needs (an htpasswd file, a certificate
    /// bundle) and returns the configuration's <c>auth:</c> section, unindented (see
    /// <see cref="HtpasswdAuth"/> and <see cref="TokenAuth"/>); none leaves the registry open.
    /// </summary>
    public static async Task<RegistryServer> StartAsync(Func<string, string>? auth = null, CancellationToken cancellationToken = default)
    {
        RequireOrIgnore();
        var directory = System.IO.Directory.CreateTempSubdirectory("registry-server-").FullName;
        try
        {
            var section = auth?.Invoke(directory);
            for (var attempt = 0; ; attempt++)
            {
                // The port is free when asked; another process may take it before the registry
                // binds it, so a registry that exits at once is started again on another.
                var port = FreePort();
                var config = Path.Combine(directory, "config.yml");
                await File.WriteAllTextAsync(config, Config(directory, port, section), cancellationToken);
                var log = new StringBuilder();
                var process = Start(config, log);
                var server = new RegistryServer(process, log, directory, port);
                try
                {
                    await server.WaitUntilServingAsync(cancellationToken);
                    return server;
                }
                catch (Exception) when (process.HasExited && attempt < 2)
                {
                    process.Dispose();
                }
                catch
                {
                    server.Stop();
                    throw;
                }
            }
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Basic authentication for <paramref name="users"/> (name, password): writes the htpasswd file into <paramref name="directory"/>.</summary>
    public static string HtpasswdAuth(string directory, params (string User, string Password)[] users)
    {
        var path = Path.Combine(directory, "htpasswd");
        File.WriteAllText(path, string.Concat(users.Select(u => HtpasswdLine(u.User, u.Password))));
        return $"htpasswd:\n  realm: basic-realm\n  path: {path}\n";
    }

    /// <summary>
    /// One htpasswd line for <paramref name="user"/>, the password hashed with bcrypt (the only
    /// hash distribution accepts) by the system's libcrypt, so no htpasswd tool is needed.
    /// </summary>
    public static string HtpasswdLine(string user, string password)
    {
        lock (CryptLock)
        {
            var setting = Marshal.PtrToStringUTF8(crypt_gensalt("$2b$", 5, IntPtr.Zero, 0))
                ?? throw new InvalidOperationException("libcrypt has no bcrypt (crypt_gensalt failed)");
            var hash = Marshal.PtrToStringUTF8(crypt(password, setting));
            return hash is { Length: > 0 } && hash.StartsWith("$2", StringComparison.Ordinal)
                ? $"{user}:{hash}\n"
                : throw new InvalidOperationException("libcrypt could not make a bcrypt hash");
        }
    }

    /// <summary>Token authentication: the registry trusts tokens signed by a key whose certificate chain ends in <paramref name="rootCertBundle"/>.</summary>
    public static string TokenAuth(string realm, string service, string issuer, string rootCertBundle) =>
        $"token:\n  realm: {realm}\n  service: {service}\n  issuer: {issuer}\n  rootcertbundle: {rootCertBundle}\n";

    public async ValueTask DisposeAsync()
    {
        Stop();
        await Task.Yield();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void Stop()
    {
        using (_process)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode} before serving on {Authority}:\n{Log}");
            }

            try
            {
                // 200 for an open registry, 401 for one that wants credentials: either way, it serves.
                using var response = await http.GetAsync(new Uri(BaseUri, "/v2/"), cancellationToken);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"docker-registry did not serve on {Authority} within 30 s:\n{Log}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static Process Start(string config, StringBuilder log)
    {
        var start = new ProcessStartInfo(Executable, ["serve", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // REGISTRY_* variables override the configuration file; the test's file must be the whole truth.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < MaxLog)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Config(string directory, int port, string? auth)
    {
        var config = new StringBuilder();
        config.Append("version: 0.1\n");
        config.Append("log:\n  level: info\n  accesslog:\n    disabled: true\n");
        config.Append($"storage:\n  filesystem:\n    rootdirectory: {Path.Combine(directory, "data")}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\n");
        config.Append($"http:\n  addr: 127.0.0.1:{port}\n  secret: {Convert.ToHexString(Guid.NewGuid().ToByteArray())}\n");
        if (auth is not null)
        {
            config.Append("auth:\n");
            foreach (var line in auth.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                config.Append("  ").Append(line).Append('\n');
            }
        }

        return config.ToString();
    }

    // crypt(3) answers in a static buffer.
    private static readonly Lock CryptLock = new();

    [DllImport("libcrypt.so.1", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr crypt(string phrase, string setting);

    [DllImport("libcrypt.so.1", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr crypt_gensalt(string prefix, ulong count, IntPtr randomBytes, int randomLength);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
