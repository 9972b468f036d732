namespace Containers.Cli.Tests.Commands.Cluster;

/// <summary>
/// <c>containers cluster serve</c> run in this process on 127.0.0.1 (a free port) over the embedded
/// store in a temporary root, with a token file that holds an admin (system:masters) and a viewer.
/// Stopping (or disposing) it cancels serve as SIGTERM would and removes the root.
/// </summary>
internal sealed class InProcessServe : IAsyncDisposable
{
    public const string Token = "e2e-admin-token";
    public const string ViewerToken = "viewer-token";
    private const string ServingLine = "Serving the Kubernetes API on ";

    private readonly CancellationTokenSource _stop;
    private readonly StringWriter _output;
    private readonly StringWriter _errors;
    private Task<int> _run = null!;
    private (int Code, string Errors)? _stopped;

    private InProcessServe(string root)
    {
        Root = root;
        _stop = new CancellationTokenSource();
        _output = new StringWriter();
        _errors = new StringWriter();
    }

    /// <summary>The temporary directory: the store under state/, and room for the test's files.</summary>
    public string Root { get; }

    /// <summary>The API's address, such as http://127.0.0.1:40123.</summary>
    public string Server { get; private set; } = null!;

    /// <summary>What serve printed on its standard output.</summary>
    public string Output => _output.ToString();

    public static async Task<InProcessServe> StartAsync()
    {
        var serve = new InProcessServe(Directory.CreateTempSubdirectory("cluster-cli-").FullName);
        var tokens = Path.Combine(serve.Root, "tokens.csv");
        await File.WriteAllTextAsync(tokens, $"{Token},admin,1,\"system:masters\"\n{ViewerToken},viewer,2\n");
        serve._run = serve.RunAsync(["--root", Path.Combine(serve.Root, "state"), "cluster", "serve", "--listen", "127.0.0.1:0", "--token-file", tokens]);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!serve.Output.Contains(ServingLine, StringComparison.Ordinal))
            {
                Assert.That(serve._run.IsCompleted, Is.False, () => $"serve ended: {serve._errors}");
                await Task.Delay(20, timeout.Token);
            }
        }
        catch
        {
            await serve.StopAsync();
            throw;
        }

        var output = serve.Output;
        var start = output.IndexOf("http://", output.IndexOf(ServingLine, StringComparison.Ordinal), StringComparison.Ordinal);
        serve.Server = output[start..output.IndexOf(' ', start)].TrimEnd('/');
        return serve;
    }

    /// <summary>Runs <c>containers cluster ARGS</c> against this server as the admin.</summary>
    public Task<(int Code, string Stdout, string Stderr)> Cluster(params string[] args) =>
        CliRunner.RunAsync(["cluster", .. args, "--server", Server, "--token", Token]);

    /// <summary>Stops serve (as SIGTERM), removes the root, and returns its exit code and what it wrote to stderr.</summary>
    public async Task<(int Code, string Errors)> StopAsync()
    {
        if (_stopped is { } stopped)
        {
            return stopped;
        }

        await _stop.CancelAsync();
        var code = await _run;
        _run.Dispose();
        _stop.Dispose();
        Directory.Delete(Root, recursive: true);
        var errors = _errors.ToString();
        await _errors.DisposeAsync();
        await _output.DisposeAsync();
        _stopped = (code, errors);
        return (code, errors);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<int> RunAsync(string[] args)
    {
        await Task.Yield();
        return await ContainersCli.RunAsync(args, TextWriter.Synchronized(_output), TextWriter.Synchronized(_errors), _stop.Token);
    }
}
