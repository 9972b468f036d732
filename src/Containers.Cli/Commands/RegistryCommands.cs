using System.CommandLine;
using Containers.Cli.Arguments;
using Containers.Cli.Output;
using Containers.Errors;
using Containers.Images;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;

namespace Containers.Cli.Commands;

/// <summary><c>pull</c> and <c>push</c>: images to and from registries, as docker's commands move them.</summary>
internal static class RegistryCommands
{
    public static Command Pull(CliContext cli)
    {
        var platform = new Option<string?>("--platform") { Description = "The platform of a multi-platform image, os/arch[/variant] (default: this machine's)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image's name" };
        var insecure = InsecureRegistryOption();
        var reference = new Argument<string>("reference") { Description = "The image: NAME[:TAG|@DIGEST]" };
        var command = new Command("pull", "Download an image from a registry") { platform, quiet, insecure, reference };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var name = ImageReference.Parse(result.GetRequiredValue(reference));
            var chosen = result.GetValue(platform) is { } text ? Platform.Parse(text) : null;
            var silent = result.GetValue(quiet);
            using var client = CreateClient(session.Root, result.GetValue(insecure));
            var previous = await CurrentTargetAsync(session.Images, name, cancellationToken).ConfigureAwait(false);
            if (!silent)
            {
                await cli.Output.WriteLineAsync($"{name.Digest?.ToString() ?? name.Tag}: Pulling from {FamiliarRepository(name)}").ConfigureAwait(false);
            }

            var display = silent ? null : new TransferDisplay(cli.Output, TransferDisplay.IsTerminal(cli.Output), state => state == BlobTransferState.Exists ? "Already exists" : "Pull complete");
            var pulled = await client.PullAsync(session.Images, name, new PullOptions { Platform = chosen, Progress = display, UnpackInto = session.Snapshotter }, cancellationToken).ConfigureAwait(false);
            display?.Finish();
            if (!silent)
            {
                await cli.Output.WriteLineAsync($"Digest: {pulled.Target.Digest}").ConfigureAwait(false);
                var status = previous == pulled.Target.Digest ? "Image is up to date for" : "Downloaded newer image for";
                await cli.Output.WriteLineAsync($"Status: {status} {pulled.Reference.ToFamiliarString()}").ConfigureAwait(false);
            }

            await cli.Output.WriteLineAsync(pulled.Reference.ToString()).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Push(CliContext cli)
    {
        var platform = new Option<string?>("--platform") { Description = "Push only this platform's manifest of a multi-platform image, os/arch[/variant]" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the pushed digest" };
        var insecure = InsecureRegistryOption();
        var reference = new Argument<string>("reference") { Description = "The local image to push, by its name: NAME[:TAG]" };
        var command = new Command("push", "Upload an image to a registry") { platform, quiet, insecure, reference };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var name = ImageReference.Parse(result.GetRequiredValue(reference));
            var silent = result.GetValue(quiet);
            using var client = CreateClient(session.Root, result.GetValue(insecure));
            if (!silent)
            {
                await cli.Output.WriteLineAsync($"The push refers to repository [{name.Name}]").ConfigureAwait(false);
            }

            var display = silent ? null : new TransferDisplay(cli.Output, TransferDisplay.IsTerminal(cli.Output), state => state switch
            {
                BlobTransferState.Exists => "Layer already exists",
                BlobTransferState.Mounted => "Mounted from another repository",
                _ => "Pushed",
            });
            var options = new PushOptions { Progress = display, Platform = result.GetValue(platform) is { } text ? Platform.Parse(text) : null };
            var pushed = await client.PushAsync(session.Images, name, options, cancellationToken).ConfigureAwait(false);
            display?.Finish();
            await cli.Output.WriteLineAsync(silent
                ? pushed.Target.Digest.ToString()
                : $"{name.Tag ?? name.Digest?.ToString()}: digest: {pushed.Target.Digest} size: {pushed.Target.Size}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary><c>--insecure-registry HOST[:PORT]</c>, repeatable: plain HTTP (and unchecked TLS) allowed, beyond the root's daemon.json and loopback.</summary>
    public static Option<string[]> InsecureRegistryOption() => new("--insecure-registry")
    {
        Description = $"A registry (host[:port]) that may be reached over plain HTTP or unverified TLS; repeatable. Also read from \"insecure-registries\" in <root>/{RegistryConfig.FileName}; loopback is always allowed",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>
    /// The registry client of one command: the root's settings plus the command line's, with the
    /// credentials <c>containers login</c> (or docker's) stored in Docker's config.json.
    /// </summary>
    public static RegistryClient CreateClient(string root, string[]? insecureRegistries) =>
        new(RegistryConfig.Options(root, insecureRegistries ?? []), new RegistryAuthHandler(new DockerConfigCredentialProvider()));

    private static async Task<Digest?> CurrentTargetAsync(LocalImages images, ImageReference name, CancellationToken cancellationToken)
    {
        try
        {
            return (await images.Names.GetAsync(name, cancellationToken).ConfigureAwait(false)).Target.Digest;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private static string FamiliarRepository(ImageReference name) => name.ToFamiliarName();
}
