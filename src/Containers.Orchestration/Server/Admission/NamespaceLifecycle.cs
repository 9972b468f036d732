using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Server.Admission;

/// <summary>
/// Kubernetes' NamespaceLifecycle admission: nothing is created in a namespace that does not exist
/// (404) or is being deleted (403), and the system namespaces cannot be deleted.
/// </summary>
internal sealed class NamespaceLifecycle(IStateStore store) : IValidatingAdmissionHook
{
    /// <summary>The namespaces the API server makes at start and that may not be deleted.</summary>
    public static readonly string[] Immortal = ["default", "kube-system", "kube-public"];

    private readonly ResourceType _namespaces = store.Registry.Get<Namespace>();

    public string Name => "NamespaceLifecycle";

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Operation == AdmissionOperation.Delete && request.Type == _namespaces && Immortal.Contains(request.Name, StringComparer.Ordinal))
        {
            throw new ForbiddenException($"namespaces \"{request.Name}\" is forbidden: this namespace may not be deleted");
        }

        if (request.Operation != AdmissionOperation.Create || !request.Type.Namespaced || request.Namespace is null)
        {
            return;
        }

        var ns = await store.GetAsync(_namespaces, new NamespacedName(null, request.Namespace), cancellationToken).ConfigureAwait(false) as Namespace
            ?? throw new NotFoundException($"namespaces \"{request.Namespace}\" not found");
        if (ns.Metadata.DeletionTimestamp is not null || ns.Status.Phase == NamespacePhases.Terminating)
        {
            var what = request.Name.Length == 0 ? request.Type.GroupResource : $"{request.Type.GroupResource} \"{request.Name}\"";
            throw new ForbiddenException($"{what} is forbidden: unable to create new content in namespace {request.Namespace} because it is being terminated");
        }
    }
}
