using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Tests.Controllers;

/// <summary>Small objects for controller tests.</summary>
internal static class TestObjects
{
    public static Pod Pod(string name, string ns = "default", IReadOnlyDictionary<string, string>? labels = null, string? node = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels ?? new Dictionary<string, string>() },
        Spec = new PodSpec
        {
            NodeName = node,
            Containers = [new Container { Name = "app", Image = "busybox" }],
        },
    };

    public static Dictionary<string, string> Labels(params string[] pairs)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            labels[pair[..eq]] = pair[(eq + 1)..];
        }

        return labels;
    }
}
