using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Server.Admission;

/// <summary>
/// Kubernetes' DefaultTolerationSeconds admission: a new pod that does not tolerate the
/// <c>node.kubernetes.io/not-ready</c> and <c>node.kubernetes.io/unreachable</c> NoExecute taints
/// gets tolerations of them for 300 seconds, so that it is evicted five minutes after its node fails.
/// </summary>
internal sealed class DefaultTolerationSeconds : IMutatingAdmissionHook
{
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";
    public const long DefaultSeconds = 300;

    public string Name => "DefaultTolerationSeconds";

    public ValueTask<KubeObject> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Operation != AdmissionOperation.Create || request.Subresource is not null || request.Object is not Pod pod)
        {
            return ValueTask.FromResult(request.Object!);
        }

        var notReady = pod.Spec.Tolerations.Any(t => Tolerates(t, NotReadyTaint));
        var unreachable = pod.Spec.Tolerations.Any(t => Tolerates(t, UnreachableTaint));
        if (notReady && unreachable)
        {
            return ValueTask.FromResult<KubeObject>(pod);
        }

        var tolerations = pod.Spec.Tolerations.ToList();
        if (!notReady)
        {
            tolerations.Add(Toleration(NotReadyTaint));
        }

        if (!unreachable)
        {
            tolerations.Add(Toleration(UnreachableTaint));
        }

        return ValueTask.FromResult<KubeObject>(pod with { Spec = pod.Spec with { Tolerations = tolerations } });
    }

    private static bool Tolerates(Toleration t, string key) =>
        (string.IsNullOrEmpty(t.Key) || t.Key == key) && (string.IsNullOrEmpty(t.Effect) || t.Effect == "NoExecute");

    private static Toleration Toleration(string key) =>
        new() { Key = key, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = DefaultSeconds };
}
