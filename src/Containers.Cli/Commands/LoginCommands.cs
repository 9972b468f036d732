using System.CommandLine;
using System.Text;
using Containers.Cli.Arguments;
using Containers.Errors;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers login</c> and <c>logout</c>, as docker's: credentials are checked against the
/// registry (<c>GET /v2/</c> through its Basic or token flow) and only then stored, in Docker's
/// <c>config.json</c> (<c>$DOCKER_CONFIG</c>, else <c>~/.docker</c>) or the credential helper it names.
/// </summary>
internal static class LoginCommands
{
    public static Command Login(CliContext cli)
    {
        var username = new Option<string?>("--username", "-u") { Description = "The user name" };
        var password = new Option<string?>("--password", "-p") { Description = "The password or token (other users may see it: prefer --password-stdin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password or token from stdin" };
        var insecure = RegistryCommands.InsecureRegistryOption();
        var server = ServerArgument();
        var command = new Command("login", "Log in to a registry: check the credentials, then store them") { username, password, passwordStdin, insecure, server };
        command.SetAction(async (result, cancellationToken) =>
        {
            var user = result.GetValue(username);
            var secret = result.GetValue(password);
            if (secret is not null && result.GetValue(passwordStdin))
            {
                throw new InvalidArgumentException("--password and --password-stdin cannot be used together");
            }

            if (result.GetValue(passwordStdin))
            {
                if (user is null)
                {
                    throw new InvalidArgumentException("--password-stdin needs --username");
                }

                secret = (await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\n', '\r');
            }
            else if (secret is not null)
            {
                await cli.Error.WriteLineAsync("WARNING! Using --password on the command line is insecure. Use --password-stdin.").ConfigureAwait(false);
            }

            user ??= await PromptAsync(cli, "Username: ", echo: true, cancellationToken).ConfigureAwait(false);
            secret ??= await PromptAsync(cli, "Password: ", echo: false, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(secret))
            {
                throw new InvalidArgumentException("a user name and a password are needed to log in");
            }

            var options = RegistryConfig.Options(result.GetValue(cli.Root) ?? ContainersPaths.DefaultRoot, result.GetValue(insecure) ?? []);
            var login = new RegistryLogin(new DockerConfigCredentialProvider(), options);
            await login.LoginAsync(result.GetValue(server) ?? RegistryLogin.DefaultRegistry, RegistryCredential.FromPassword(user, secret), cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync("Login Succeeded").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Logout(CliContext cli)
    {
        var server = ServerArgument();
        var command = new Command("logout", "Log out of a registry: remove its stored credentials") { server };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = RegistryLogin.Normalize(result.GetValue(server));
            var shown = name == RegistryLogin.DefaultRegistry ? DockerHub.ConfigKey : name;
            var removed = await new RegistryLogin(new DockerConfigCredentialProvider()).LogoutAsync(name, cancellationToken).ConfigureAwait(false);
            await cli.Output.WriteLineAsync(removed ? $"Removing login credentials for {shown}" : $"Not logged in to {shown}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Argument<string?> ServerArgument() => new("server")
    {
        Description = "The registry, host[:port] (default: Docker Hub)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Asks on the terminal, as docker login does; with stdin not a terminal there is no one to ask.</summary>
    private static async Task<string> PromptAsync(CliContext cli, string prompt, bool echo, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            throw new InvalidArgumentException($"{prompt.TrimEnd(':', ' ').ToLowerInvariant()} not given and stdin is not a terminal; use --username and --password-stdin");
        }

        await cli.Error.WriteAsync(prompt).ConfigureAwait(false);
        if (echo)
        {
            return (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim() ?? string.Empty;
        }

        var text = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        await cli.Error.WriteLineAsync().ConfigureAwait(false);
        return text.ToString();
    }
}
