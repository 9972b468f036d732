using System.CommandLine;
using Containers.Runtime.Spec;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers runtime …</c>: the OCI runtime's own commands, shaped like runc's. Each
/// subcommand is one method that builds its <see cref="Command"/>; add the next one beside them
/// and list it in <see cref="Create"/>.
/// </summary>
internal static class RuntimeCommand
{
    public static Command Create(TextWriter output) => new("runtime", "Run OCI bundles: the runtime-spec lifecycle, as runc does it")
    {
        SpecCommand(output),
    };

    private static Command SpecCommand(TextWriter output)
    {
        var bundle = BundleOption();
        var command = new Command("spec", "Write a default config.json (what `runc spec` writes) in the bundle directory") { bundle };
        command.SetAction(async (result, cancellationToken) =>
        {
            var directory = result.GetRequiredValue(bundle);
            if (!Directory.Exists(directory))
            {
                throw new Errors.NotFoundException($"bundle directory \"{directory}\" does not exist; create it first, with the root filesystem in its rootfs/");
            }

            await OciSpecs.SaveAsync(OciSpecDefaults.Create(), directory, overwrite: false, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(OciSpecs.PathIn(directory)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary><c>--bundle/-b</c>: the bundle directory, the current one by default (as in runc).</summary>
    internal static Option<string> BundleOption() => new("--bundle", "-b")
    {
        Description = "The bundle directory, holding config.json and the root filesystem (default: the current directory)",
        DefaultValueFactory = _ => Directory.GetCurrentDirectory(),
    };
}
