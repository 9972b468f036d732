using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server;
using Containers.Orchestration.Store;

namespace Containers.Cli.Commands.Cluster;

/// <summary>
/// <c>containers cluster rollout status|undo deployment/NAME</c>: follow a Deployment's rollout
/// with kubectl's messages until it is done, or roll it back to an earlier revision of its template.
/// </summary>
internal static class RolloutCommand
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string PodTemplateHashLabel = "pod-template-hash";

    public static Command Create(CliContext cli, ClusterConnection connection) => new("rollout", "Follow or undo a Deployment's rollout")
    {
        Status(cli, connection),
        Undo(cli, connection),
    };

    private static Command Status(CliContext cli, ClusterConnection connection)
    {
        var target = new Argument<string>("deployment") { Description = "deployment/NAME, or deployment NAME" };
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "Give up after this long (default: wait until done)" };
        var command = new Command("status", "Wait until a Deployment's rollout is done") { target, name, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, ns) = connection.Open(result);
            using (client)
            {
                var (type, deploymentName) = DeploymentOf(result.GetRequiredValue(target), result.GetValue(name));
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (result.GetValue(timeout) is { } after)
                {
                    limit.CancelAfter(after);
                }

                var key = new NamespacedName(ns, deploymentName);
                string? said = null;
                while (true)
                {
                    var deployment = (Deployment)await client.GetAsync(type, key, cancellationToken: limit.Token).ConfigureAwait(false);
                    var (message, done) = Describe(deployment);
                    if (message != said)
                    {
                        await cli.Output.WriteLineAsync(message).ConfigureAwait(false);
                        said = message;
                    }

                    if (done)
                    {
                        return 0;
                    }

                    await WaitForChangeAsync(client, type, deployment, limit.Token).ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    /// <summary>kubectl's rollout status for a Deployment: the message, and whether the rollout is done.</summary>
    public static (string Message, bool Done) Describe(Deployment d)
    {
        var name = d.Name;
        if (d.Metadata.Generation > (d.Status.ObservedGeneration ?? 0))
        {
            return ("Waiting for deployment spec update to be observed...", false);
        }

        if (Conditions.Find(d.Status.Conditions, "Progressing") is { Reason: "ProgressDeadlineExceeded" })
        {
            throw new FailedPreconditionException($"deployment \"{name}\" exceeded its progress deadline");
        }

        var desired = d.Spec.Replicas ?? 1;
        var s = d.Status;
        return s.UpdatedReplicas < desired ? ($"Waiting for deployment \"{name}\" rollout to finish: {s.UpdatedReplicas} out of {desired} new replicas have been updated...", false)
            : s.Replicas > s.UpdatedReplicas ? ($"Waiting for deployment \"{name}\" rollout to finish: {s.Replicas - s.UpdatedReplicas} old replicas are pending termination...", false)
            : s.AvailableReplicas < s.UpdatedReplicas ? ($"Waiting for deployment \"{name}\" rollout to finish: {s.AvailableReplicas} of {s.UpdatedReplicas} updated replicas are available...", false)
            : ($"deployment \"{name}\" successfully rolled out", true);
    }

    private static async Task WaitForChangeAsync(Orchestration.Server.Http.HttpApiClient client, ResourceType type, Deployment seen, CancellationToken cancellationToken)
    {
        try
        {
            var options = new WatchOptions { ResourceVersion = seen.Metadata.ResourceVersion, FieldSelector = FieldSelector.Equal("metadata.name", seen.Name) };
            await foreach (var e in client.WatchAsync(type, seen.Namespace, options, cancellationToken).ConfigureAwait(false))
            {
                if (e.Type == WatchEventType.Deleted)
                {
                    throw new NotFoundException($"deployment \"{seen.Name}\" was deleted while its rollout was followed");
                }

                if (e.Type is WatchEventType.Added or WatchEventType.Modified)
                {
                    return;
                }
            }
        }
        catch (GoneException)
        {
            // Read it again and watch from there.
        }
    }

    private static Command Undo(CliContext cli, ClusterConnection connection)
    {
        var target = new Argument<string>("deployment") { Description = "deployment/NAME, or deployment NAME" };
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne };
        var toRevision = new Option<long>("--to-revision") { Description = "The revision to roll back to (default: the one before the current)" };
        var command = new Command("undo", "Roll a Deployment back to an earlier revision") { target, name, toRevision };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, ns) = connection.Open(result);
            using (client)
            {
                var (type, deploymentName) = DeploymentOf(result.GetRequiredValue(target), result.GetValue(name));
                var deployment = (Deployment)await client.GetAsync(type, new NamespacedName(ns, deploymentName), cancellationToken: cancellationToken).ConfigureAwait(false);
                var replicaSets = await client.ListAsync(client.Registry.Get<ReplicaSet>(), ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                var history = replicaSets.Items.Cast<ReplicaSet>()
                    .Where(rs => rs.Metadata.ControllerReference?.Uid == deployment.Metadata.Uid)
                    .Select(rs => (Revision: Revision(rs), ReplicaSet: rs))
                    .Where(h => h.Revision > 0)
                    .OrderByDescending(h => h.Revision)
                    .ToList();
                var wanted = result.GetValue(toRevision);
                ReplicaSet source;
                if (wanted > 0)
                {
                    source = history.FirstOrDefault(h => h.Revision == wanted).ReplicaSet
                        ?? throw new NotFoundException($"unable to find specified revision {wanted} in history");
                }
                else
                {
                    source = history.Count >= 2 ? history[1].ReplicaSet : throw new NotFoundException($"no rollout history found for deployment \"{deploymentName}\"");
                    wanted = history[1].Revision;
                }

                var template = source.Spec.Template with
                {
                    Metadata = source.Spec.Template.Metadata with
                    {
                        Labels = source.Spec.Template.Metadata.Labels.Where(kv => kv.Key != PodTemplateHashLabel).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                    },
                };
                if (KubeJson.SemanticEquals(template, deployment.Spec.Template))
                {
                    await cli.Output.WriteLineAsync($"{ClusterCommand.Display(type, deploymentName)} skipped rollback (current template already matches revision {wanted})").ConfigureAwait(false);
                    return 0;
                }

                var replaced = deployment with { Spec = deployment.Spec with { Template = template } };
                var node = JsonNode.Parse(KubeJson.SerializeToUtf8Bytes(replaced))!;
                var patch = new JsonArray(new JsonObject
                {
                    ["op"] = "replace",
                    ["path"] = "/spec/template",
                    ["value"] = node["spec"]!["template"]!.DeepClone(),
                });
                await client.PatchAsync(type, deployment.Key, PatchType.Json, System.Text.Encoding.UTF8.GetBytes(patch.ToJsonString()), cancellationToken: cancellationToken).ConfigureAwait(false);
                await cli.Output.WriteLineAsync($"{ClusterCommand.Display(type, deploymentName)} rolled back").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static long Revision(ReplicaSet rs) =>
        rs.Metadata.Annotations.TryGetValue(RevisionAnnotation, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    private static (ResourceType Type, string Name) DeploymentOf(string first, string? second)
    {
        var (type, name) = ClusterCommand.KindAndName(first, second);
        return type.Kind == "Deployment" ? (type, name) : throw new InvalidArgumentException($"rollout follows deployments here, not {type.Resource}");
    }
}
