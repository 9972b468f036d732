using System.CommandLine;
using Containers.Cli.Output;
using Containers.Images;

namespace Containers.Cli.Commands;

/// <summary><c>images</c>, <c>rmi</c> and <c>tag</c>: the local images, as docker's commands show and change them.</summary>
internal static class ImageCommands
{
    private const string None = "<none>";

    public static Command Images(CliContext cli)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image IDs" };
        var digests = new Option<bool>("--digests") { Description = "Show the manifest digests" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Show whole image IDs" };
        var command = new Command("images", "List the local images, newest first") { quiet, digests, noTrunc };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var full = result.GetValue(noTrunc);
            var rows = await session.Images.ListAsync(cancellationToken).ConfigureAwait(false);
            string Id(ImageSummary row) => full ? row.ImageId.ToString() : ContainerText.ShortId(row.ImageId.ToString());
            if (result.GetValue(quiet))
            {
                // Once each: an image with two names is one image to rmi.
                foreach (var id in rows.Select(Id).Distinct(StringComparer.Ordinal))
                {
                    await cli.Output.WriteLineAsync(id).ConfigureAwait(false);
                }

                return 0;
            }

            var showDigests = result.GetValue(digests);
            var table = showDigests
                ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
            var now = DateTimeOffset.UtcNow;
            foreach (var row in rows)
            {
                var created = row.Created is { } at ? $"{HumanUnits.Duration(now - at)} ago" : "N/A";
                string[] cells = showDigests
                    ? [row.Repository ?? None, row.Tag ?? None, row.ManifestDigest.ToString(), Id(row), created, HumanUnits.Size(row.Size)]
                    : [row.Repository ?? None, row.Tag ?? None, Id(row), created, HumanUnits.Size(row.Size)];
                table.Add(cells);
            }

            await table.WriteToAsync(cli.Output).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Remove(CliContext cli)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Remove images that containers use, or that an ID names in several repositories" };
        var images = new Argument<string[]>("image") { Description = "Names, image IDs (or unique prefixes) or name@digest", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rmi", "Remove images: a name, or the image and its blobs once it has no name left") { force, images };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var failed = false;
            foreach (var image in result.GetRequiredValue(images))
            {
                try
                {
                    var removal = await session.Images.RemoveAsync(image, result.GetValue(force), cancellationToken).ConfigureAwait(false);
                    foreach (var name in removal.Untagged)
                    {
                        await cli.Output.WriteLineAsync($"Untagged: {name.ToFamiliarString()}").ConfigureAwait(false);
                    }

                    foreach (var blob in removal.Deleted)
                    {
                        await cli.Output.WriteLineAsync($"Deleted: {blob}").ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (ContainersCli.IsUserError(e))
                {
                    await cli.Error.WriteLineAsync($"containers: {ContainersCli.Describe(e)}").ConfigureAwait(false);
                    failed = true;
                }
            }

            return failed ? ContainersCli.UserError : 0;
        });
        return command;
    }

    public static Command Tag(CliContext cli)
    {
        var source = new Argument<string>("source") { Description = "The image: name, image ID or name@digest" };
        var target = new Argument<string>("target") { Description = "The new name, REPOSITORY[:TAG]" };
        var command = new Command("tag", "Give an image another name") { source, target };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            await session.Images.TagAsync(result.GetRequiredValue(source), result.GetRequiredValue(target), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>An image's ID as docker prints it for import, commit and load: <c>sha256:</c> and the config's digest.</summary>
    public static string IdOf(IImage image) => image.Manifest.Config.Digest.ToString();
}
