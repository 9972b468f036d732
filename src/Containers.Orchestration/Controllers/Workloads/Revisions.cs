using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Controllers.Workloads;

/// <summary>
/// The revision history of StatefulSets and DaemonSets: each pod template they ran is kept in a
/// ControllerRevision named <c>{owner}-{hash}</c>, holding <c>{"spec":{"template":...}}</c> and a
/// revision number, and pods carry the <c>controller-revision-hash</c> label of the revision they
/// were made from.
/// </summary>
public static class Revisions
{
    /// <summary>The pod label naming the revision a pod was made from.</summary>
    public const string HashLabel = "controller-revision-hash";

    /// <summary>The label on a ControllerRevision holding its hash.</summary>
    public const string RevisionHashLabel = "controller.kubernetes.io/hash";

    /// <summary>A revision of <paramref name="owner"/>'s <paramref name="template"/>, not yet stored.</summary>
    public static ControllerRevision New(KubeObject owner, PodTemplateSpec template, long revision, int? collisionCount)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(template);
        var hash = TemplateHash.Compute(template, collisionCount);
        var labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal) { [RevisionHashLabel] = hash };
        return new ControllerRevision
        {
            Metadata = new ObjectMeta
            {
                Name = $"{owner.Name}-{hash}",
                Namespace = owner.Namespace,
                Labels = labels,
                OwnerReferences = [OwnerReference.ControllerOf(owner)],
            },
            Data = Data(template),
            Revision = revision,
        };
    }

    /// <summary>The template a revision holds.</summary>
    public static PodTemplateSpec Template(ControllerRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        if (revision.Data is not { ValueKind: JsonValueKind.Object } data
            || !data.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("template", out var template))
        {
            return new PodTemplateSpec();
        }

        return template.Deserialize(KubeJson.GetTypeInfo<PodTemplateSpec>()) ?? new PodTemplateSpec();
    }

    /// <summary>True when <paramref name="revision"/> holds exactly <paramref name="template"/>.</summary>
    public static bool Holds(ControllerRevision revision, PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return revision.Data is { } data && JsonNode.DeepEquals(JsonNode.Parse(data.GetRawText()), JsonNode.Parse(Data(template).GetRawText()));
    }

    /// <summary>The hash part of a revision's name (its hash label).</summary>
    public static string Hash(ControllerRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return revision.Metadata.Labels.GetValueOrDefault(RevisionHashLabel) ?? revision.Name;
    }

    private static JsonElement Data(PodTemplateSpec template)
    {
        var node = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(template, KubeJson.GetTypeInfo<PodTemplateSpec>())),
            },
        };
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }
}
