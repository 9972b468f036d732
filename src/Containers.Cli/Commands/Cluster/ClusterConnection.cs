using System.CommandLine;
using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server.Http;

namespace Containers.Cli.Commands.Cluster;

/// <summary>
/// Where the <c>containers cluster</c> client commands find the API server, as kubectl does: the
/// <c>--server</c> and <c>--token</c> options, else a kubeconfig file (clusters, users, contexts and
/// current-context, with a server address and a bearer token): <c>--kubeconfig</c>, else
/// <c>$CONTAINERS_KUBECONFIG</c>, else <c>~/.config/containers/kubeconfig</c>.
/// </summary>
internal sealed class ClusterConnection
{
    public const string KubeconfigVariable = "CONTAINERS_KUBECONFIG";

    public Option<string?> Server { get; } = new("--server", "-s") { Description = "The API server: http://127.0.0.1:6443 or unix:/path/to/socket", Recursive = true };

    public Option<string?> Token { get; } = new("--token") { Description = "The bearer token to authenticate with", Recursive = true };

    public Option<string?> Kubeconfig { get; } = new("--kubeconfig") { Description = $"A kubeconfig file (default: ${KubeconfigVariable}, else ~/.config/containers/kubeconfig)", Recursive = true };

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "The namespace (default: the kubeconfig context's, else default)", Recursive = true };

    public IEnumerable<Option> Options => [Server, Token, Kubeconfig, Namespace];

    public static string DefaultKubeconfigPath =>
        Environment.GetEnvironmentVariable(KubeconfigVariable) is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "containers", "kubeconfig");

    /// <summary>The client for the command line's server and token, and the namespace it works in.</summary>
    public (HttpApiClient Client, string Namespace) Open(ParseResult result)
    {
        var server = result.GetValue(Server);
        var token = result.GetValue(Token);
        var ns = result.GetValue(Namespace);
        if (server is null || token is null)
        {
            var path = result.GetValue(Kubeconfig) ?? DefaultKubeconfigPath;
            if (File.Exists(path))
            {
                var config = Read(path);
                server ??= config.Server;
                token ??= config.Token;
                ns ??= config.Namespace;
            }
            else if (result.GetValue(Kubeconfig) is not null)
            {
                throw new NotFoundException($"kubeconfig {path} does not exist");
            }
        }

        if (server is null)
        {
            throw new InvalidArgumentException($"no API server given: pass --server (and --token), or write a kubeconfig at {DefaultKubeconfigPath}");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri))
        {
            throw new InvalidArgumentException($"--server \"{server}\" is not an address such as http://127.0.0.1:6443 or unix:/run/containers/api.sock");
        }

        return (new HttpApiClient(uri, token), string.IsNullOrEmpty(ns) ? "default" : ns);
    }

    /// <summary>The current context's server, token and namespace from a kubeconfig file.</summary>
    public static (string? Server, string? Token, string? Namespace) Read(string path)
    {
        var documents = KubeYaml.ToJson(File.ReadAllText(path));
        if (documents.Count == 0)
        {
            throw new InvalidArgumentException($"kubeconfig {path} is empty");
        }

        using var json = JsonDocument.Parse(documents[0]);
        var root = json.RootElement;
        var current = Text(root, "current-context");
        var context = Named(root, "contexts", current, "context");
        var cluster = Named(root, "clusters", Text(context, "cluster"), "cluster");
        var user = Named(root, "users", Text(context, "user"), "user");
        return (Text(cluster, "server"), Text(user, "token"), Text(context, "namespace"));

        static JsonElement Named(JsonElement root, string list, string? name, string body)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return default;
            }

            foreach (var item in items.EnumerateArray())
            {
                if ((name is null || Text(item, "name") == name) && item.TryGetProperty(body, out var found))
                {
                    return found;
                }
            }

            return default;
        }

        static string? Text(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
