using System.CommandLine;
using Containers.Errors;
using Containers.Images;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>import</c>, <c>save</c>, <c>load</c> and <c>export</c>: images and containers to and from
/// files. As docker's, each reads stdin or writes stdout when it is given no file.
/// </summary>
internal static class ArchiveCommands
{
    public static Command Import(CliContext cli)
    {
        var source = new Argument<string>("file") { Description = "A rootfs tarball (plain, gzip, bzip2 or zstd) or directory; - for a tarball on stdin" };
        var reference = new Argument<string?>("reference") { Description = "The new image's name, REPOSITORY[:TAG]", Arity = ArgumentArity.ZeroOrOne };
        var changes = ChangeOption();
        var message = new Option<string?>("--message", "-m") { Description = "The history comment" };
        var command = new Command("import", "Make an image of a rootfs tarball; prints its ID") { source, reference, changes, message };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var from = result.GetRequiredValue(source);
            var tag = result.GetValue(reference) is { } name ? ImageReference.Parse(name) : null;
            var options = new ImportOptions { Changes = result.GetValue(changes) ?? [], Message = result.GetValue(message) };
            IImage image;
            if (from == "-")
            {
                await using var stdin = Console.OpenStandardInput();
                image = await session.Images.ImportAsync(stdin, tag, options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                image = await session.Images.ImportAsync(from, tag, options, cancellationToken).ConfigureAwait(false);
            }

            await cli.Output.WriteLineAsync(ImageCommands.IdOf(image)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Save(CliContext cli)
    {
        var output = new Option<string?>("--output", "-o") { Description = "The archive to write (default: stdout)" };
        var format = new Option<string>("--format") { Description = "docker (docker save's) or oci (an OCI layout in a tar)", DefaultValueFactory = _ => "docker" };
        format.AcceptOnlyFromAmong("docker", "oci");
        var images = new Argument<string[]>("image") { Description = "Names, image IDs or name@digest", Arity = ArgumentArity.OneOrMore };
        var command = new Command("save", "Write images, with their names, to one archive") { output, format, images };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var archiveFormat = result.GetValue(format) == "oci" ? ArchiveFormat.Oci : ArchiveFormat.Docker;
            var references = result.GetRequiredValue(images);
            if (result.GetValue(output) is { } path)
            {
                await session.Images.SaveAsync(references, Path.GetFullPath(path), archiveFormat, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            RefuseTerminal(Console.IsOutputRedirected, "save", "-o FILE");
            await WithScratchFileAsync(session, "save", async scratch =>
            {
                await session.Images.SaveAsync(references, scratch, archiveFormat, cancellationToken).ConfigureAwait(false);
                await using var file = File.OpenRead(scratch);
                await using var stdout = Console.OpenStandardOutput();
                await file.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Load(CliContext cli)
    {
        var input = new Option<string?>("--input", "-i") { Description = "The archive to read (default: stdin)" };
        var command = new Command("load", "Read images from a docker or OCI archive, with their names") { input };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            IReadOnlyList<LoadedImage> loaded = [];
            if (result.GetValue(input) is { } path)
            {
                loaded = await session.Images.LoadAsync(Path.GetFullPath(path), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                RefuseTerminal(Console.IsInputRedirected, "load", "-i FILE");
                await WithScratchFileAsync(session, "load", async scratch =>
                {
                    await using (var file = File.Create(scratch))
                    await using (var stdin = Console.OpenStandardInput())
                    {
                        await stdin.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    }

                    loaded = await session.Images.LoadAsync(scratch, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }

            foreach (var image in loaded)
            {
                await cli.Output.WriteLineAsync(image.Name is { } name ? $"Loaded image: {name.ToFamiliarString()}" : $"Loaded image ID: {image.ImageId}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    public static Command Export(CliContext cli)
    {
        var output = new Option<string?>("--output", "-o") { Description = "The tar to write (default: stdout)" };
        var container = new Argument<string>("container") { Description = "The container: id, unique id prefix or name" };
        var command = new Command("export", "Write a container's filesystem as a tar archive") { output, container };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var id = result.GetRequiredValue(container);
            if (result.GetValue(output) is { } path)
            {
                var full = Path.GetFullPath(path);
                var temporary = $"{full}.{Guid.NewGuid():N}.tmp";
                try
                {
                    await using (var file = File.Create(temporary))
                    {
                        await session.Engine.ExportAsync(id, file, cancellationToken).ConfigureAwait(false);
                    }

                    // Whole or not at all, as save writes its archive.
                    File.Move(temporary, full, overwrite: true);
                }
                finally
                {
                    File.Delete(temporary);
                }

                return 0;
            }

            RefuseTerminal(Console.IsOutputRedirected, "export", "-o FILE");
            await using var stdout = Console.OpenStandardOutput();
            await session.Engine.ExportAsync(id, stdout, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary><c>--change/-c</c>: Dockerfile lines applied to an image's config, as import and commit take them.</summary>
    internal static Option<string[]> ChangeOption() => new("--change", "-c")
    {
        Description = "Apply a Dockerfile instruction to the config: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR (repeatable)",
    };

    /// <summary>As docker: an archive is not written to, or read from, a terminal.</summary>
    private static void RefuseTerminal(bool redirected, string command, string flag)
    {
        if (!redirected)
        {
            throw new InvalidArgumentException($"{command} will not use a terminal for its archive; give {flag}, or redirect it");
        }
    }

    /// <summary>Runs <paramref name="body"/> with a file path in the root's scratch space, removed after.</summary>
    private static async Task WithScratchFileAsync(LocalSession session, string purpose, Func<string, Task> body)
    {
        var directory = Directory.CreateDirectory(session.Images.TemporaryDirectory).FullName;
        var scratch = Path.Combine(directory, $"{purpose}-{Guid.NewGuid():N}.tar");
        try
        {
            await body(scratch).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
