using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Containers.Errors;
using Containers.Images.Json;

namespace Containers.Images.Registry.Auth.Docker;

/// <summary>
/// A Docker credential helper, <c>docker-credential-&lt;name&gt;</c> on PATH, run as Docker runs it:
/// the action (<c>get</c>, <c>store</c>, <c>erase</c>) as the argument, the server URL or the JSON
/// credentials on stdin, the JSON answer on stdout.
/// </summary>
internal sealed class CredentialHelper
{
    /// <summary>The most of a helper's output read; its answer is one small JSON object.</summary>
    private const int MaxOutput = 64 * 1024;

    private readonly string _source;

    /// <param name="name">The helper's name, as <c>credsStore</c> or <c>credHelpers</c> give it.</param>
    /// <param name="source">Where it was configured, for messages.</param>
    public CredentialHelper(string name, string source)
    {
        // The name becomes part of a program name looked up on PATH: no paths, no options.
        if (string.IsNullOrEmpty(name) || name.AsSpan().ContainsAnyExcept(Allowed))
        {
            throw new FailedPreconditionException($"credential helper name \"{name}\" in {source} is not a plain name; fix the file");
        }

        Name = name;
        _source = source;
    }

    public string Name { get; }

    public string Program => "docker-credential-" + Name;

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The credentials the helper holds for <paramref name="serverUrl"/>, null when it has none.</summary>
    public async Task<RegistryCredential?> GetAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var (exit, output, error) = await RunAsync("get", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            if (IsNotFound(output) || IsNotFound(error))
            {
                return null;
            }

            throw Failed("get", exit, output, error);
        }

        CredentialHelperPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(output, RegistryAuthJsonContext.Default.CredentialHelperPayload);
        }
        catch (JsonException e)
        {
            throw new FailedPreconditionException($"credential helper {Program} (from {_source}) printed no valid JSON for {serverUrl}: {e.Message}", e);
        }

        if (payload is null || string.IsNullOrEmpty(payload.Secret))
        {
            return null;
        }

        return payload.Username == CredentialHelperPayload.IdentityTokenUsername || string.IsNullOrEmpty(payload.Username)
            ? RegistryCredential.FromIdentityToken(payload.Secret)
            : RegistryCredential.FromPassword(payload.Username, payload.Secret);
    }

    public async Task StoreAsync(string serverUrl, RegistryCredential credential, CancellationToken cancellationToken)
    {
        var payload = credential.IdentityToken is { } token
            ? new CredentialHelperPayload(serverUrl, CredentialHelperPayload.IdentityTokenUsername, token)
            : new CredentialHelperPayload(serverUrl, credential.Username, credential.Password);
        var json = JsonSerializer.Serialize(payload, RegistryAuthJsonContext.Default.CredentialHelperPayload);
        var (exit, output, error) = await RunAsync("store", json, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw Failed("store", exit, output, error);
        }
    }

    /// <summary>Erases the credentials of <paramref name="serverUrl"/>; false when the helper had none.</summary>
    public async Task<bool> EraseAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var (exit, output, error) = await RunAsync("erase", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exit == 0)
        {
            return true;
        }

        return IsNotFound(output) || IsNotFound(error) ? false : throw Failed("erase", exit, output, error);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(string action, string input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Program, action)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new FailedPreconditionException($"credential helper {Program} (from {_source}) did not start");
        }
        catch (Win32Exception e)
        {
            throw new FailedPreconditionException($"credential helper {Program} (from {_source}) cannot be run: {e.Message}; install it on PATH or remove it from the file", e);
        }

        using (process)
        {
            try
            {
                var output = ReadBoundedAsync(process.StandardOutput, cancellationToken);
                var error = ReadBoundedAsync(process.StandardError, cancellationToken);
                try
                {
                    await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The helper exited without reading; its exit status says why.
                }

                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length < MaxOutput)
            {
                text.Append(buffer, 0, Math.Min(read, MaxOutput - text.Length));
            }
        }

        return text.ToString();
    }

    // docker-credential-helpers' ErrCredentialsNotFound: "credentials not found in native keychain".
    private static bool IsNotFound(string text) => text.Contains("credentials not found", StringComparison.OrdinalIgnoreCase);

    private FailedPreconditionException Failed(string action, int exit, string output, string error)
    {
        var said = (string.IsNullOrWhiteSpace(error) ? output : error).Trim().ReplaceLineEndings(" ");
        if (said.Length > 200)
        {
            said = said[..200] + "…";
        }

        return new FailedPreconditionException($"credential helper {Program} {action} (from {_source}) exited with {exit}: {said}");
    }
}
