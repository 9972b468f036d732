using System.CommandLine;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Patch;

namespace Containers.Cli.Commands.Cluster;

/// <summary>
/// <c>containers cluster apply -f FILE|-</c>: creates each object of a (multi-document) manifest,
/// or patches the existing one as kubectl apply does, with a three-way strategic merge against the
/// manifest it last applied (kept in the <c>kubectl.kubernetes.io/last-applied-configuration</c>
/// annotation), so that fields dropped from the manifest are removed and fields others set stay.
/// </summary>
internal static class ApplyCommand
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public static Command Create(CliContext cli, ClusterConnection connection)
    {
        var files = new Option<string[]>("--filename", "-f") { Description = "The manifest files (YAML or JSON, several documents each); - reads stdin", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("apply", "Create or update objects from manifests") { files };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, defaultNamespace) = connection.Open(result);
            var failed = 0;
            using (client)
            {
                foreach (var obj in await ReadManifestsAsync(result.GetRequiredValue(files), cancellationToken).ConfigureAwait(false))
                {
                    var type = client.Registry.Get(obj);
                    var manifest = type.Namespaced && obj.Namespace is null ? obj with { Metadata = obj.Metadata with { Namespace = defaultNamespace } } : obj;
                    try
                    {
                        var outcome = await ApplyAsync(client, type, manifest, cancellationToken).ConfigureAwait(false);
                        await cli.Output.WriteLineAsync($"{ClusterCommand.Display(type, manifest.Name)} {outcome}").ConfigureAwait(false);
                    }
                    catch (ContainersException e) when (e is not UnavailableException)
                    {
                        // As kubectl: report the object and go on with the others; fail at the end.
                        failed++;
                        await cli.Error.WriteLineAsync($"containers: applying {ClusterCommand.Display(type, manifest.Name)}: {ContainersCli.Describe(e)}").ConfigureAwait(false);
                    }
                }
            }

            return failed == 0 ? 0 : ContainersCli.UserError;
        });
        return command;
    }

    /// <summary>The objects of every file, in order.</summary>
    public static async Task<List<KubeObject>> ReadManifestsAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        var objects = new List<KubeObject>();
        foreach (var file in files)
        {
            var text = file == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)
                : throw new NotFoundException($"the path \"{file}\" does not exist");
            try
            {
                objects.AddRange(KubeYaml.Deserialize(text, strict: true));
            }
            catch (InvalidArgumentException e)
            {
                throw new InvalidArgumentException($"error validating \"{file}\": {e.Message}", e);
            }
        }

        return objects;
    }

    private static async Task<string> ApplyAsync(Orchestration.Server.Http.HttpApiClient client, ResourceType type, KubeObject manifest, CancellationToken cancellationToken)
    {
        var modified = (JsonObject)JsonNode.Parse(KubeJson.SerializeToUtf8Bytes(manifest))!;
        var status = modified["status"];
        modified.Remove("status");
        var applied = modified.ToJsonString();
        var annotations = modified["metadata"]!["annotations"] as JsonObject ?? [];
        annotations[LastAppliedAnnotation] = applied;
        modified["metadata"]!["annotations"] = annotations;

        var live = await client.FindAsync(type, manifest.Key, cancellationToken).ConfigureAwait(false);
        if (live is null)
        {
            // As kubectl: created as written, status too; the server keeps or resets the status by
            // kind (a Node keeps what it is registered with, a Pod starts Pending).
            if (status is not null)
            {
                modified["status"] = status;
            }

            await client.CreateAsync(KubeJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(modified.ToJsonString()), type), cancellationToken: cancellationToken).ConfigureAwait(false);
            return "created";
        }

        var lastApplied = live.Metadata.Annotations.TryGetValue(LastAppliedAnnotation, out var last) ? JsonNode.Parse(last) : null;
        var patch = JsonPatches.ThreeWay(lastApplied, modified);

        // As kubectl: a patch that changes nothing is not sent. Deciding by the resourceVersion alone
        // would call "configured" what a controller's own write moved in the meantime.
        var current = JsonNode.Parse(KubeJson.SerializeToUtf8Bytes(live))!;
        if (JsonNode.DeepEquals(JsonPatches.Apply(PatchType.StrategicMerge, current, patch), current))
        {
            return "unchanged";
        }

        var patched = await client.PatchAsync(type, manifest.Key, PatchType.StrategicMerge, System.Text.Encoding.UTF8.GetBytes(patch.ToJsonString()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return patched.Metadata.ResourceVersion == live.Metadata.ResourceVersion ? "unchanged" : "configured";
    }
}
