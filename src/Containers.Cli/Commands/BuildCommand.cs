using System.CommandLine;
using System.Globalization;
using Containers.Cli.Output;
using Containers.Errors;
using Containers.Images.Build;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers build</c>: a Dockerfile into an image, printed as docker's classic builder prints
/// it: <c>Step 3/7 : RUN …</c>, the command's output, then <c> ---> Using cache</c> or the time the
/// step took; at the end the image ID and its tags.
/// </summary>
internal static class BuildCommand
{
    public static Command Create(CliContext cli)
    {
        var tags = new Option<string[]>("--tag", "-t") { Description = "Name the image REPOSITORY[:TAG] (repeatable)", AllowMultipleArgumentsPerToken = false };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "A build argument NAME=value, or NAME to take it from the environment (repeatable)" };
        var target = new Option<string?>("--target") { Description = "The stage to build; only the stages it needs are built" };
        var noCache = new Option<bool>("--no-cache") { Description = "Build every step again" };
        var network = new Option<string>("--network") { Description = "The network of RUN steps: none, host or bridge", DefaultValueFactory = _ => "none" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "Where the image goes: type=image (the local store, the default), type=oci,dest=DIR, type=oci-archive,dest=FILE (repeatable)" };
        var labels = new Option<string[]>("--label") { Description = "A label NAME=value set on the image (repeatable)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image ID" };
        var insecure = RegistryCommands.InsecureRegistryOption();
        var context = new Argument<string>("context") { Description = "The build context: the directory whose files COPY and ADD see" };
        var command = new Command("build", "Build an image from a Dockerfile") { tags, file, buildArgs, target, noCache, network, outputs, labels, quiet, insecure, context };
        cli.SetAction(command, async (result, session, cancellationToken) =>
        {
            var request = new BuildRequest
            {
                ContextDirectory = result.GetRequiredValue(context),
                DockerfilePath = result.GetValue(file),
                Tags = result.GetValue(tags) ?? [],
                BuildArgs = Pairs(result.GetValue(buildArgs), "--build-arg", fromEnvironment: true),
                Target = result.GetValue(target),
                NoCache = result.GetValue(noCache),
                Network = result.GetValue(network) ?? "none",
                Outputs = [.. (result.GetValue(outputs) ?? []).Select(BuildOutput.Parse)],
                Labels = Pairs(result.GetValue(labels), "--label", fromEnvironment: false),
            };
            var silent = result.GetValue(quiet);
            var printer = new StepPrinter(cli.Output, silent);
            using var registry = RegistryCommands.CreateClient(session.Root, result.GetValue(insecure));
            var builder = new DockerfileBuilder(session.Engine, session.Images, registry);
            var built = await builder.BuildAsync(request, printer, cancellationToken).ConfigureAwait(false);
            var id = built.ImageId.ToString();
            if (silent)
            {
                await cli.Output.WriteLineAsync(id).ConfigureAwait(false);
                return 0;
            }

            await cli.Output.WriteLineAsync($"Successfully built {ContainerText.ShortId(id)}").ConfigureAwait(false);
            foreach (var tag in built.Tags)
            {
                await cli.Output.WriteLineAsync($"Successfully tagged {tag.ToFamiliarString()}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary><c>NAME=value</c> options as a map; a bare <c>NAME</c> takes the environment's value (and is left out without one), as docker's --build-arg does.</summary>
    private static Dictionary<string, string> Pairs(string[]? values, string option, bool fromEnvironment)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw new InvalidArgumentException($"{option} \"{value}\" has no name; write NAME=value");
            }

            if (equals > 0)
            {
                pairs[value[..equals]] = value[(equals + 1)..];
            }
            else if (!fromEnvironment)
            {
                pairs[value] = string.Empty;
            }
            else if (Environment.GetEnvironmentVariable(value) is { } environment)
            {
                pairs[value] = environment;
            }
        }

        return pairs;
    }

    /// <summary>Prints progress as it comes, on the builder's thread, so that lines keep their order.</summary>
    private sealed class StepPrinter(TextWriter output, bool quiet) : IProgress<BuildProgress>
    {
        private readonly Lock _gate = new();

        public void Report(BuildProgress value)
        {
            if (quiet)
            {
                return;
            }

            var line = value.Kind switch
            {
                BuildProgressKind.StepStarted => $"Step {value.Step}/{value.StepCount} : {value.Instruction}",
                BuildProgressKind.Output => value.Text,
                BuildProgressKind.Message => $" ---> {value.Text}",
                BuildProgressKind.StepFinished when value.Cached => $" ---> Using cache ({Seconds(value.Duration)})",
                BuildProgressKind.StepFinished => $" ---> Done ({Seconds(value.Duration)})",
                _ => null,
            };
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }

        private static string Seconds(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0}s");
    }
}
