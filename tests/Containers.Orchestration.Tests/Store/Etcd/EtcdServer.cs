using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Containers.Orchestration.Tests.Store.Etcd;

/// <summary>
/// A real single-member etcd from the system packages (etcd-server), on 127.0.0.1 with free client
/// and peer ports and a temporary data directory. Stop and start it again (same ports and data) to
/// test clients across a restart; dispose it to kill its process and remove the directory.
/// Shared by the tests and the benchmarks, so it throws rather than asserting.
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/etcd";

    private readonly StringBuilder _log = new();
    private readonly int _clientPort;
    private readonly int _peerPort;
    private Process? _process;

    private EtcdServer(string dataDirectory, int clientPort, int peerPort)
    {
        DataDirectory = dataDirectory;
        _clientPort = clientPort;
        _peerPort = peerPort;
    }

    public string DataDirectory { get; }

    public string ClientUrl => $"http://127.0.0.1:{_clientPort}";

    /// <summary>The pid of the running etcd, or null when stopped.</summary>
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public static bool IsInstalled => File.Exists(Binary);

    /// <summary>Starts an etcd and waits until it reports healthy.</summary>
    /// <exception cref="InvalidOperationException">etcd is not installed, exited, or did not become healthy.</exception>
    public static async Task<EtcdServer> StartAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"needs etcd ({Binary}): apt-get install etcd-server");
        }

        var server = new EtcdServer(Directory.CreateTempSubdirectory("etcd-test-").FullName, FreePort(), FreePort());
        try
        {
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped etcd again on the same ports and data.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("etcd is already running");
        }

        var peerUrl = $"http://127.0.0.1:{_peerPort}";
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                "--name", "test",
                "--data-dir", DataDirectory,
                "--listen-client-urls", ClientUrl,
                "--advertise-client-urls", ClientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", $"test={peerUrl}",
                "--log-level", "warn",
                "--logger", "zap",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitHealthyAsync(process);
    }

    /// <summary>Kills etcd (SIGKILL, as a crash) and waits for it to exit; the data stays.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>What etcd printed, for failure messages.</summary>
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < 64 * 1024)
            {
                _log.AppendLine(line);
            }
        }
    }

    private async Task WaitHealthyAsync(Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with {process.ExitCode} while starting:\n{Log}");
            }

            try
            {
                var health = await http.GetStringAsync($"{ClientUrl}/health");
                if (health.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"etcd at {ClientUrl} did not become healthy in 30 s:\n{Log}");
    }

    /// <summary>A port nothing listens on now (the kernel's pick; freed again for etcd to take).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
