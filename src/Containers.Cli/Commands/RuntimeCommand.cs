using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Containers.Processes;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Oci;
using Containers.Runtime.Spec;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers runtime …</c>: the OCI runtime's own commands, shaped like runc's. Each
/// subcommand is one method that builds its <see cref="Command"/>; add the next one beside them
/// and list it in <see cref="Create"/>. The runtime is built directly, with no DI container, so a
/// call costs milliseconds.
/// </summary>
internal static class RuntimeCommand
{
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static Command Create(TextWriter output)
    {
        var selection = new Selection(
            new Option<string?>("--root") { Description = "The state directory (default: /run/dotnet-containers, or /run/dotnet-containers-<runtime> for runc and crun)", Recursive = true },
            new Option<string>("--runtime") { Description = "Which runtime runs the bundle: builtin, runc or crun", Recursive = true, DefaultValueFactory = _ => "builtin" });
        return new Command("runtime", "Run OCI bundles: the runtime-spec lifecycle, as runc does it")
        {
            selection.Root,
            selection.Runtime,
            SpecCommand(output),
            CreateCommand(selection),
            IdCommand("start", "Run the program of a created container", selection, (runtime, id, ct) => runtime.StartAsync(id, ct)),
            IdCommand("pause", "Freeze every process of a running container", selection, (runtime, id, ct) => runtime.PauseAsync(id, ct)),
            IdCommand("resume", "Thaw a paused container", selection, (runtime, id, ct) => runtime.ResumeAsync(id, ct)),
            UpdateCommand(selection),
            StateCommand(output, selection),
            KillCommand(selection),
            DeleteCommand(selection),
            RunCommand(selection),
            ExecCommand(selection),
            ListCommand(output, selection),
        };
    }

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

            await OciSpecs.SaveAsync(OciSpecDefaults.Create(), directory, overwrite: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(OciSpecs.PathIn(directory)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateCommand(Selection selection)
    {
        var bundle = BundleOption();
        var pidFile = PidFileOption();
        var id = IdArgument();
        var command = new Command("create", "Create a container from a bundle; its process waits for start. Its stdio is this command's, as with runc") { bundle, pidFile, id };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var request = new ContainerCreateRequest(result.GetRequiredValue(id), result.GetRequiredValue(bundle)) { Stdio = StdioMode.Inherit };
            await using var created = await runtime.CreateAsync(request, cancellationToken).ConfigureAwait(false);
            await WritePidFileAsync(result.GetValue(pidFile), created.Pid, cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>A command that takes a container id and does one thing to it.</summary>
    private static Command IdCommand(string name, string description, Selection selection, Func<IContainerRuntime, string, CancellationToken, Task> act)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            await act(runtime, result.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command UpdateCommand(Selection selection)
    {
        var id = IdArgument();
        var resources = new Option<string>("--resources", "-r")
        {
            Description = "A file holding the new linux.resources as the runtime spec's JSON, or - for stdin (as runc update -r takes)",
            Required = true,
        };
        var command = new Command("update", "Change the cgroup limits of a container that has not stopped") { resources, id };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var source = result.GetRequiredValue(resources);
            var json = source == "-" ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
            OciResources parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(json, OciJsonContext.Default.OciResources)
                    ?? throw new Errors.InvalidArgumentException($"resources from {source} are null; give a JSON object such as {{\"pids\": {{\"limit\": 100}}}}");
            }
            catch (JsonException e)
            {
                throw new Errors.InvalidArgumentException($"resources from {source} are not the runtime spec's linux.resources JSON: {e.Message}", e);
            }

            await runtime.UpdateAsync(result.GetRequiredValue(id), parsed, cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command StateCommand(TextWriter output, Selection selection)
    {
        var id = IdArgument();
        var command = new Command("state", "Print a container's state as JSON (the runtime spec's state)") { id };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var state = await runtime.GetStateAsync(result.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(JsonSerializer.Serialize(state, OciJsonContext.Default.ContainerState)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command KillCommand(Selection selection)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Signal every process of the container, not only its init" };
        var id = IdArgument();
        var signal = new Argument<string>("signal") { Description = "A name (TERM, SIGKILL) or a number", DefaultValueFactory = _ => "SIGTERM" };
        var command = new Command("kill", "Send a signal to a container (SIGTERM by default)") { all, id, signal };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var number = Signals.Parse(result.GetRequiredValue(signal));
            await runtime.KillAsync(result.GetRequiredValue(id), number, result.GetValue(all), cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command DeleteCommand(Selection selection)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Kill the container first if it still runs" };
        var id = IdArgument();
        var command = new Command("delete", "Remove a stopped container and its state") { force, id };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            await runtime.DeleteAsync(result.GetRequiredValue(id), result.GetValue(force), cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command RunCommand(Selection selection)
    {
        var bundle = BundleOption();
        var detach = new Option<bool>("--detach", "-d") { Description = "Start the container and return; its stdio is /dev/null" };
        var pidFile = PidFileOption();
        var id = IdArgument();
        var command = new Command(
            "run",
            "Create and start a container; in the foreground, wait for it, delete it and exit with its exit code (128+n when signal n killed it)")
        {
            bundle, detach, pidFile, id,
        };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var name = result.GetRequiredValue(id);
            var detached = result.GetValue(detach);
            var request = new ContainerCreateRequest(name, result.GetRequiredValue(bundle))
            {
                // Detached, the container outlives this command; holding its stdio would keep a
                // caller's $(…) waiting. In the foreground it dies with us, as runc run's does.
                Stdio = detached ? StdioMode.Null : StdioMode.Inherit,
                DieWithOwner = !detached,
                StartImmediately = true,
            };
            await using var created = await runtime.CreateAsync(request, cancellationToken).ConfigureAwait(false);
            await WritePidFileAsync(result.GetValue(pidFile), created.Pid, cancellationToken).ConfigureAwait(false);
            try
            {
                if (detached)
                {
                    return 0;
                }

                var exit = await runtime.WaitAsync(name, cancellationToken).ConfigureAwait(false);
                await runtime.DeleteAsync(name, force: true, CancellationToken.None).ConfigureAwait(false);
                return exit.ExitCode;
            }
            catch (Exception) when (!detached || cancellationToken.IsCancellationRequested)
            {
                await runtime.DeleteAsync(name, force: true, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }));
        return command;
    }

    private static Command ExecCommand(Selection selection)
    {
        var env = new Option<string[]>("--env", "-e") { Description = "KEY=value for the process's environment (repeatable); PATH is set unless given" };
        var cwd = new Option<string>("--cwd") { Description = "The working directory in the container", DefaultValueFactory = _ => "/" };
        var id = IdArgument();
        var args = new Argument<string[]>("command") { Description = "The program and its arguments; put -- before them when they hold options", Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "Run another process in a running container, with this command's stdio; exits with its exit code") { env, cwd, id, args };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var environment = result.GetValue(env) ?? [];
            var process = new OciProcess
            {
                Args = result.GetRequiredValue(args),
                Env = environment.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)) ? environment : [DefaultPath, .. environment],
                Cwd = result.GetRequiredValue(cwd),
            };
            await using var exec = await runtime.ExecAsync(result.GetRequiredValue(id), process, StdioMode.Inherit, cancellationToken).ConfigureAwait(false);
            try
            {
                return (await exec.WaitAsync(cancellationToken).ConfigureAwait(false)).ExitCode;
            }
            catch (OperationCanceledException)
            {
                exec.Kill(9);
                throw;
            }
        }));
        return command;
    }

    private static Command ListCommand(TextWriter output, Selection selection)
    {
        var format = new Option<string>("--format", "-f") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("list", "List the containers of the state directory") { format };
        command.SetAction((result, cancellationToken) => WithRuntimeAsync(result, selection, async runtime =>
        {
            var states = await runtime.ListAsync(cancellationToken).ConfigureAwait(false);
            if (result.GetValue(format) == "json")
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(states, OciJsonContext.Default.IReadOnlyListContainerState)).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync($"{"ID",-20} {"PID",-8} {"STATUS",-10} {"BUNDLE",-40} CREATED").ConfigureAwait(false);
            foreach (var state in states.OrderBy(s => s.Id, StringComparer.Ordinal))
            {
                var created = state.Created?.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) ?? string.Empty;
                await output.WriteLineAsync(
                    $"{state.Id,-20} {state.Pid,-8} {state.Status.ToString().ToLowerInvariant(),-10} {state.Bundle,-40} {created}").ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    /// <summary><c>--bundle/-b</c>: the bundle directory, the current one by default (as in runc).</summary>
    internal static Option<string> BundleOption() => new("--bundle", "-b")
    {
        Description = "The bundle directory, holding config.json and the root filesystem (default: the current directory)",
        DefaultValueFactory = _ => Directory.GetCurrentDirectory(),
    };

    private static Option<string?> PidFileOption() => new("--pid-file") { Description = "Write the container process's host pid to this file" };

    private static Argument<string> IdArgument() => new("container-id") { Description = "The container's id" };

    private static async Task WritePidFileAsync(string? path, int pid, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return;
        }

        var full = Path.GetFullPath(path);
        var temp = full + ".tmp";
        await File.WriteAllTextAsync(temp, pid.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Builds the runtime the options name, runs <paramref name="body"/> with it and disposes it.</summary>
    private static async Task<int> WithRuntimeAsync(ParseResult result, Selection selection, Func<IContainerRuntime, Task<int>> body)
    {
        var root = result.GetValue(selection.Root);
        var name = result.GetRequiredValue(selection.Runtime);
        IAsyncDisposable runtime = name switch
        {
            "builtin" => new BuiltinRuntime(new BuiltinRuntimeOptions { StateRoot = root ?? BuiltinRuntimeOptions.DefaultStateRoot }),
            "runc" or "crun" => new OciCliRuntime(new OciCliRuntimeOptions { Name = name, Root = root }),
            _ => throw new Errors.InvalidArgumentException($"unknown runtime \"{name}\"; use builtin, runc or crun"),
        };
        await using (runtime.ConfigureAwait(false))
        {
            return await body((IContainerRuntime)runtime).ConfigureAwait(false);
        }
    }

    private sealed record Selection(Option<string?> Root, Option<string> Runtime);
}
