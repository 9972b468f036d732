using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server.Admission;

/// <summary>
/// Kubernetes' ServiceAccount admission: a new pod runs as the service account
/// <c>default</c> unless it names one, and the one it runs as must exist in its namespace. (The
/// API server makes <c>default</c> in every namespace it creates.)
/// </summary>
internal sealed class ServiceAccountAdmission(IStateStore store) : IMutatingAdmissionHook, IValidatingAdmissionHook
{
    public const string DefaultName = "default";

    private readonly ResourceType _serviceAccounts = store.Registry.Get<ServiceAccount>();

    public string Name => "ServiceAccount";

    public ValueTask<KubeObject> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Operation != AdmissionOperation.Create || request.Subresource is not null || request.Object is not Pod pod ||
            !string.IsNullOrEmpty(pod.Spec.ServiceAccountName))
        {
            return ValueTask.FromResult(request.Object!);
        }

        var name = string.IsNullOrEmpty(pod.Spec.ServiceAccount) ? DefaultName : pod.Spec.ServiceAccount;
        return ValueTask.FromResult<KubeObject>(pod with { Spec = pod.Spec with { ServiceAccountName = name } });
    }

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Operation != AdmissionOperation.Create || request.Subresource is not null || request.Object is not Pod pod ||
            string.IsNullOrEmpty(pod.Spec.ServiceAccountName) || pod.Namespace is not { } ns)
        {
            return;
        }

        var name = pod.Spec.ServiceAccountName;
        if (await store.GetAsync(_serviceAccounts, new NamespacedName(ns, name), cancellationToken).ConfigureAwait(false) is null)
        {
            var what = pod.Name.Length == 0 ? "pods" : $"pods \"{pod.Name}\"";
            throw new ForbiddenException($"{what} is forbidden: error looking up service account {ns}/{name}: serviceaccount \"{name}\" not found");
        }
    }
}
