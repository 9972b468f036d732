using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Containers.Images.Tests.Registry;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 (optionally over TLS with a self-signed certificate) that
/// hands each request to a handler: the transport under <see cref="FakeRegistry"/>. It keeps
/// connections alive, and a non-TLS server hangs up on a TLS handshake as a plain server would
/// fail one.
/// </summary>
internal sealed class FakeRegistryServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly Func<FakeRequest, CancellationToken, Task<FakeResponse>> _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    public FakeRegistryServer(Func<FakeRequest, CancellationToken, Task<FakeResponse>> handler, bool tls = false)
    {
        _handler = handler;
        _certificate = tls ? CreateCertificate() : null;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The registry's name in image references: <c>127.0.0.1:port</c>.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public string Scheme => _certificate is null ? "http" : "https";

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
        _certificate?.Dispose();
        _stopping.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stopping.Token);
                    stream = tls;
                }

                await using (stream)
                {
                    var reader = new BufferedReader(stream);
                    while (!_stopping.IsCancellationRequested)
                    {
                        var request = await ReadRequestAsync(reader, _certificate is null, _stopping.Token);
                        if (request is null)
                        {
                            return;
                        }

                        var response = await _handler(request, _stopping.Token);
                        await WriteResponseAsync(stream, request, response, _stopping.Token);
                        if (response.Close || string.Equals(request.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase))
                        {
                            return;
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away, or the test stops the server.
            }
        }
    }

    private static async Task<FakeRequest?> ReadRequestAsync(BufferedReader reader, bool plain, CancellationToken cancellationToken)
    {
        if (plain && await reader.PeekAsync(cancellationToken) == 0x16)
        {
            // A TLS ClientHello to a plain server: hang up, as a failed handshake would.
            return null;
        }

        var head = await reader.ReadHeadAsync(MaxHeaderBytes, cancellationToken);
        if (head is null)
        {
            return null;
        }

        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var length = headers.TryGetValue("Content-Length", out var text) ? long.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = await reader.ReadExactlyAsync((int)length, cancellationToken);
        var target = parts[1];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        return new FakeRequest(parts[0], question < 0 ? target : target[..question], question < 0 ? string.Empty : target[question..], headers, body);
    }

    private static async Task WriteResponseAsync(Stream stream, FakeRequest request, FakeResponse response, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(Reason(response.Status)).Append("\r\n");
        foreach (var (name, value) in response.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var body = request.Method == "HEAD" ? null : response.Body;
        if (response.Writer is null && !response.Headers.Any(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Content-Length: ").Append(response.Body?.Length ?? 0).Append("\r\n");
        }

        if (response.Close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        if (response.Writer is not null && request.Method != "HEAD")
        {
            await response.Writer(stream, cancellationToken);
        }
        else if (body is not null)
        {
            await stream.WriteAsync(body, cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        206 => "Partial Content",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    /// <summary>Reads a request's head and body from a stream, keeping what it read ahead.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<int> PeekAsync(CancellationToken cancellationToken) =>
            await FillAsync(cancellationToken) ? _buffer[_start] : -1;

        public async Task<string?> ReadHeadAsync(int limit, CancellationToken cancellationToken)
        {
            var head = new List<byte>();
            while (head.Count < limit)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }

                head.Add(_buffer[_start++]);
                if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
                {
                    return Encoding.ASCII.GetString([.. head.SkipLast(4)]);
                }
            }

            return null;
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var body = new byte[count];
            var done = 0;
            while (done < count)
            {
                if (!await FillAsync(cancellationToken))
                {
                    throw new IOException("the client hung up mid-body");
                }

                var take = Math.Min(count - done, _end - _start);
                Array.Copy(_buffer, _start, body, done, take);
                _start += take;
                done += take;
            }

            return body;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start < _end)
            {
                return true;
            }

            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
    }
}
