using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Api;

/// <summary>The kinds this platform serves, with their REST names, scopes and selectable fields.</summary>
internal static class BuiltInResources
{
    public static IEnumerable<ResourceType> All =>
    [
        Core<Namespace>("Namespace", "namespaces", namespaced: false, shortNames: ["ns"],
            fields: new() { ["status.phase"] = o => ((Namespace)o).Status.Phase }),
        Core<ConfigMap>("ConfigMap", "configmaps", shortNames: ["cm"]),
    ];

    private static ResourceType Core<T>(string kind, string resource, bool namespaced = true, string[]? shortNames = null, Dictionary<string, Func<KubeObject, string?>>? fields = null) =>
        Of<T>(string.Empty, "v1", kind, resource, namespaced, shortNames, fields);

    private static ResourceType Of<T>(string group, string version, string kind, string resource, bool namespaced, string[]? shortNames, Dictionary<string, Func<KubeObject, string?>>? fields) =>
        new(group, version, kind, resource, namespaced, KubeJson.GetTypeInfo<T>(), fields, shortNames);
}
