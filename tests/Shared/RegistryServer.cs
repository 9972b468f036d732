using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Containers.Testing;

/// <summary>
/// The reference registry server (<c>docker-registry</c>, distribution v2) on 127.0.0.1, started
/// for a test with its own <c>config.yml</c> and storage in a temporary directory, and stopped by
/// its pid when disposed. Shared, as a linked file, by the test projects that talk to a real
/// registry, and by the registry benchmarks (without NUnit: <see cref="StartAsync"/> throws where
/// the tests' <c>StartOrIgnoreAsync</c> marks the test ignored). A test that needs authentication passes the <c>auth:</c> section of the config, and
/// writes the files that section names (an htpasswd file, a token certificate) in <c>prepare</c>.
/// </summary>
internal sealed partial class RegistryServer : IAsyncDisposable
{
    public const string ServerPath = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private RegistryServer(string directory, string storage, int port, Process process, StringBuilder output)
    {
        Directory = directory;
        StorageDirectory = storage;
        Port = port;
        _process = process;
        _output = output;
    }

    /// <summary>The temporary directory of the config, the storage and any files the test wrote.</summary>
    public string Directory { get; }

    public int Port { get; }

    /// <summary>The registry part of image references to this server: <c>127.0.0.1:port</c>.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    /// <summary>The storage root (<c>storage.filesystem.rootdirectory</c>).</summary>
    public string StorageDirectory { get; }

    /// <summary>What the server wrote to stdout and stderr so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a registry and waits until <c>/v2/</c> answers (200, or 401 with authentication).</summary>
    /// <param name="auth">The config's <c>auth:</c> section (indented YAML under <c>auth:</c>), or null for none.</param>
    /// <param name="prepare">Writes files the config names into the server's directory (given as the argument) before it starts.</param>
    /// <param name="storage">A storage directory to serve (kept when the server stops); null for a fresh one in the server's directory.</param>
    /// <exception cref="InvalidOperationException">The server is not installed, exited, or never answered.</exception>
    public static async Task<RegistryServer> StartAsync(string? auth = null, Action<string>? prepare = null, string? storage = null)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException($"the reference registry {ServerPath} is not installed (apt-get install docker-registry)");
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("registry-server-").FullName;
        try
        {
            prepare?.Invoke(directory);
            var port = FreePort();
            var config = Path.Combine(directory, "config.yml");
            var storageDirectory = storage ?? Path.Combine(directory, "storage");
            await File.WriteAllTextAsync(config, Config(storageDirectory, port, auth));
            var output = new StringBuilder();
            var process = new Process
            {
                StartInfo = new ProcessStartInfo(ServerPath)
                {
                    ArgumentList = { "serve", config },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                },
            };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new RegistryServer(directory, storageDirectory, port, process, output);
            try
            {
                await server.WaitReadyAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            return server;
        }
        catch
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Writes a file into the server's directory and returns its path (for configs the test writes after start, e.g. data to serve).</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }
        finally
        {
            _process.Dispose();
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private static string Config(string storage, int port, string? auth)
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var config = $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {storage}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
              secret: {secret}
            """;
        return auth is null ? config + "\n" : $"{config}\nauth:\n{auth}\n";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    /// <summary>Waits (up to 30 s) for <c>/v2/</c> to answer at all: 200, or 401 when the config asks for authentication.</summary>
    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode} before it served /v2/: {Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Authority}/v2/"));
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"docker-registry did not serve /v2/ within 30 s: {Output}");
            }

            await Task.Delay(50);
        }
    }
}
