using System.Text.Json;
using Containers.Errors;
using Containers.Linux;

namespace Containers.Runtime.Spec;

/// <summary>Reads and writes a bundle's <c>config.json</c>.</summary>
public static class OciSpecs
{
    /// <summary>The spec's file name inside a bundle.</summary>
    public const string FileName = "config.json";

    /// <summary>The path of <paramref name="bundle"/>'s <c>config.json</c>.</summary>
    public static string PathIn(string bundle)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundle);
        return Path.Combine(Path.GetFullPath(bundle), FileName);
    }

    /// <summary>Reads <c>&lt;bundle&gt;/config.json</c>.</summary>
    /// <exception cref="NotFoundException">The bundle has no <c>config.json</c>.</exception>
    /// <exception cref="InvalidArgumentException">The file is not a runtime spec; the message gives line and position.</exception>
    public static OciSpec Load(string bundle)
    {
        var path = PathIn(bundle);
        var bytes = ReadBytes(path, bundle);
        try
        {
            return Read(path, () => OciSpecReader.Read(bytes, path));
        }
        catch (InvalidArgumentException)
        {
            // Only the serializer knows line and position: on the error path, let it tell them.
            Read(path, () => JsonSerializer.Deserialize(bytes, OciJsonContext.Default.OciSpec));
            throw;
        }
    }

    /// <inheritdoc cref="Load"/>
    /// <remarks>
    /// A config.json is a few kilobytes on a local disk: one synchronous read and a parse from the
    /// span cost less than async file I/O, and container start-up is a hot path.
    /// </remarks>
    public static Task<OciSpec> LoadAsync(string bundle, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(bundle));
    }

    /// <summary>
    /// Writes <paramref name="spec"/> to <c>&lt;bundle&gt;/config.json</c> through a temporary file
    /// renamed into place, so readers see the old file or the new one, never half of one.
    /// </summary>
    /// <param name="spec">The spec.</param>
    /// <param name="bundle">The bundle directory, which must exist.</param>
    /// <param name="overwrite">Replace an existing <c>config.json</c>.</param>
    /// <param name="durable">
    /// Flush the file and the directory to disk before returning. A bundle that cannot outlive its
    /// process (a container that dies with its owner) has nothing to keep across a power cut, and
    /// spares its start the two fsyncs.
    /// </param>
    /// <exception cref="AlreadyExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Save(OciSpec spec, string bundle, bool overwrite = true, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var path = PathIn(bundle);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(spec, OciJsonContext.Default.OciSpec);
        var temp = TempPath(path);
        try
        {
            using (var stream = CreateTemp(temp, bundle))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: durable);
            }

            Commit(temp, path, overwrite, durable);
        }
        finally
        {
            DeleteLeftover(temp);
        }
    }

    /// <inheritdoc cref="Save"/>
    /// <remarks>
    /// Synchronous inside, as <see cref="LoadAsync"/>: a few kilobytes to a local disk cost less
    /// than the thread-pool round trip of async file I/O on Linux, on the hot path of a start.
    /// </remarks>
    public static Task SaveAsync(OciSpec spec, string bundle, bool overwrite = true, bool durable = true, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Save(spec, bundle, overwrite, durable);
        return Task.CompletedTask;
    }

    private static byte[] ReadBytes(string path, string bundle)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException(
                $"bundle \"{bundle}\" has no {FileName}: {path} does not exist; run `containers runtime spec --bundle {bundle}` to write a default one",
                e);
        }
    }

    private static OciSpec Read(string path, Func<OciSpec?> deserialize)
    {
        OciSpec? spec;
        try
        {
            spec = deserialize();
        }
        catch (JsonException e)
        {
            throw Invalid(path, e);
        }

        return spec ?? throw Empty(path);
    }

    private static InvalidArgumentException Invalid(string path, JsonException e)
    {
        var where = e.LineNumber is { } line
            ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}"
            : string.Empty;
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? string.Empty : $" ({e.Path})";
        var reason = e.Message;
        var cut = reason.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        return new InvalidArgumentException($"{path} is not a valid runtime spec{where}{field}: {reason.TrimEnd('.')}; fix the JSON", e);
    }

    private static InvalidArgumentException Empty(string path) =>
        new($"{path} holds JSON null, not a runtime spec; write an object, for example with `containers runtime spec`");

    private static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{FileName}.{Guid.NewGuid():N}.tmp");

    private static FileStream CreateTemp(string temp, string bundle)
    {
        try
        {
            return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 14, FileOptions.Asynchronous);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new NotFoundException($"bundle directory \"{bundle}\" does not exist; create it first", e);
        }
    }

    private static void DeleteLeftover(string temp)
    {
        if (File.Exists(temp))
        {
            File.Delete(temp);
        }
    }

    private static void Commit(string temp, string path, bool overwrite, bool durable)
    {
        try
        {
            // Without overwrite .NET links the temp file to its final name, which fails if the name is taken.
            File.Move(temp, path, overwrite);
        }
        catch (IOException e) when (!overwrite && File.Exists(path))
        {
            throw new AlreadyExistsException($"File {path} exists. Remove it first", e);
        }

        if (durable)
        {
            FileSystemSync.SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }
}
