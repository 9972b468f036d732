using System.CommandLine;
using System.Formats.Tar;
using Containers.Errors;
using Containers.Images.Layers;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers cp</c>: files between a container and the host, as docker's, with
/// <c>CONTAINER:PATH</c> on one side and a host path (or <c>-</c> for a tar on stdin or stdout) on
/// the other. A destination that exists as a directory receives the source inside it; one that
/// does not exist becomes the source under that name; <c>SRC/.</c> copies a directory's content.
/// What comes out of a container is extracted with every path kept inside the destination.
/// </summary>
internal static class CopyCommand
{
    public static Command Create(CliContext cli)
    {
        var source = new Argument<string>("source") { Description = "CONTAINER:PATH, a host path, or - for a tar on stdin" };
        var destination = new Argument<string>("destination") { Description = "CONTAINER:PATH, a host path, or - for a tar on stdout" };
        var command = new Command("cp", "Copy files between a container and the host") { source, destination };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var from = Side.Parse(result.GetRequiredValue(source));
            var to = Side.Parse(result.GetRequiredValue(destination));
            switch (from.Container, to.Container)
            {
                case (null, { } container):
                    await CopyInAsync(session, from.Path, container, to.Path, cancellationToken).ConfigureAwait(false);
                    break;
                case ({ } container, null):
                    await CopyOutAsync(session, container, from.Path, to.Path, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidArgumentException("cp copies between a container and the host: give CONTAINER:PATH on exactly one side");
            }

            return 0;
        });
        return command;
    }

    private static async Task CopyInAsync(LocalSession session, string hostPath, string container, string containerPath, CancellationToken cancellationToken)
    {
        var engine = session.Engine;
        if (hostPath == "-")
        {
            await using var stdin = Console.OpenStandardInput();
            await engine.CopyToAsync(container, containerPath, stdin, cancellationToken).ConfigureAwait(false);
            return;
        }

        var full = Path.GetFullPath(hostPath);
        var contentsOnly = hostPath.EndsWith("/.", StringComparison.Ordinal);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new NotFoundException($"\"{hostPath}\" does not exist on the host");
        }

        var name = Path.GetFileName(full.TrimEnd('/'));
        try
        {
            // Into the destination, when it is a directory there.
            await CopyTarAsync(engine, container, containerPath, full, contentsOnly ? "." : name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotFoundException or InvalidArgumentException && !contentsOnly && !containerPath.EndsWith('/'))
        {
            // Not a directory there (or not there at all): the source takes the destination's name,
            // in its parent, replacing a file of that name.
            var (parent, last) = Split(containerPath);
            await CopyTarAsync(engine, container, parent, full, last, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Tars <paramref name="hostPath"/> as <paramref name="entryName"/> (its content for ".") and extracts it into the container's directory.</summary>
    private static async Task CopyTarAsync(Images.Engine.ContainerEngine engine, string container, string directory, string hostPath, string entryName, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"containers-cp-{Guid.NewGuid():N}.tar");
        try
        {
            await using (var file = File.Create(scratch))
            await using (var writer = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
            {
                await AddAsync(writer, hostPath, entryName, cancellationToken).ConfigureAwait(false);
            }

            await using var tar = File.OpenRead(scratch);
            await engine.CopyToAsync(container, directory, tar, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>Adds a file, link or directory (and, for a directory, all below it, not following links) under <paramref name="entryName"/>.</summary>
    private static async Task AddAsync(TarWriter writer, string path, string entryName, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        var isDirectory = info.Attributes.HasFlag(FileAttributes.Directory) && info.LinkTarget is null;
        if (entryName != ".")
        {
            await writer.WriteEntryAsync(path, isDirectory ? entryName + "/" : entryName, cancellationToken).ConfigureAwait(false);
        }

        if (isDirectory)
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
            {
                var childName = Path.GetFileName(child);
                await AddAsync(writer, child, entryName == "." ? childName : $"{entryName}/{childName}", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CopyOutAsync(LocalSession session, string container, string containerPath, string hostPath, CancellationToken cancellationToken)
    {
        var engine = session.Engine;
        if (hostPath == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await engine.CopyFromAsync(container, containerPath, stdout, cancellationToken).ConfigureAwait(false);
            return;
        }

        var full = Path.GetFullPath(hostPath);
        var intoDirectory = Directory.Exists(full);
        var parent = intoDirectory ? full : Path.GetDirectoryName(full.TrimEnd('/'))!;
        if (!Directory.Exists(parent))
        {
            throw new NotFoundException($"the host directory \"{parent}\" does not exist; make it first");
        }

        // Extracted first into a directory of its own beside the destination (so that nothing in
        // the archive can reach outside it), then moved into place.
        var staging = Directory.CreateDirectory(Path.Combine(parent, $".containers-cp-{Guid.NewGuid():N}")).FullName;
        try
        {
            var archive = Path.Combine(staging, ".archive.tar");
            await using (var file = File.Create(archive))
            {
                await engine.CopyFromAsync(container, containerPath, file, cancellationToken).ConfigureAwait(false);
            }

            var extracted = Directory.CreateDirectory(Path.Combine(staging, "x")).FullName;
            await using (var tar = File.OpenRead(archive))
            {
                await LayerApplier.ApplyAsync(tar, extracted, subject: $"{container}:{containerPath}", cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            if (containerPath.EndsWith("/.", StringComparison.Ordinal))
            {
                // A directory's content: into the destination, made if missing.
                Directory.CreateDirectory(full);
                foreach (var entry in Directory.EnumerateFileSystemEntries(extracted))
                {
                    MergeMove(entry, Path.Combine(full, Path.GetFileName(entry)));
                }

                return;
            }

            var top = Directory.EnumerateFileSystemEntries(extracted).Single();
            MergeMove(top, intoDirectory ? Path.Combine(full, Path.GetFileName(top)) : full.TrimEnd('/'));
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>: a directory onto a directory merges, anything else replaces.</summary>
    private static void MergeMove(string source, string target)
    {
        var sourceIsDirectory = Directory.Exists(source) && new DirectoryInfo(source).LinkTarget is null;
        var targetInfo = new FileInfo(target);
        var targetExists = targetInfo.Exists || Directory.Exists(target) || targetInfo.LinkTarget is not null;
        if (sourceIsDirectory && Directory.Exists(target))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(source))
            {
                MergeMove(entry, Path.Combine(target, Path.GetFileName(entry)));
            }

            return;
        }

        if (targetExists)
        {
            if (Directory.Exists(target) && targetInfo.LinkTarget is null)
            {
                Directory.Delete(target, recursive: true);
            }
            else
            {
                File.Delete(target);
            }
        }

        if (sourceIsDirectory)
        {
            Directory.Move(source, target);
        }
        else
        {
            File.Move(source, target);
        }
    }

    private static (string Parent, string Last) Split(string containerPath)
    {
        var trimmed = containerPath.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash switch
        {
            < 0 => ("/", trimmed),
            0 => ("/", trimmed[1..]),
            _ => (trimmed[..slash], trimmed[(slash + 1)..]),
        };
    }

    /// <summary>One side of cp: a container and a path in it, or a host path.</summary>
    private sealed record Side(string? Container, string Path)
    {
        public static Side Parse(string text)
        {
            // As docker: a colon before any slash names a container; a path with a colon in it is written ./a:b.
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (colon > 0 && (slash < 0 || colon < slash))
            {
                var path = text[(colon + 1)..];
                return new Side(text[..colon], path.Length == 0 ? "/" : path);
            }

            return new Side(null, text);
        }
    }
}
