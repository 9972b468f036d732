using System.Text.Json;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Validation;
using Microsoft.AspNetCore.Http;

namespace Containers.Orchestration.Server.Http;

internal sealed partial class ApiRequestHandler
{
    /// <summary>
    /// <c>POST /api/v1/namespaces/{ns}/pods/{name}/binding</c>: puts the pod on the Binding's
    /// target node, as kube-apiserver does for kube-scheduler, and answers with a Success Status
    /// (201). The pod must have no node yet; a <c>metadata.uid</c> must be the pod's.
    /// </summary>
    private async Task BindAsync(HttpContext context, UserInfo user, NamespacedName pod, bool dryRun)
    {
        if (dryRun)
        {
            throw new InvalidArgumentException($"dryRun is not supported on pods/binding (pod \"{pod.Name}\"): send the Binding without it");
        }

        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        BindingBody? binding;
        try
        {
            binding = body.IsEmpty ? null : JsonSerializer.Deserialize(body.Span, HttpJsonContext.Default.BindingBody);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"the Binding in the body for pod \"{pod.Name}\" does not decode: {e.Message}", e);
        }

        if (binding is null)
        {
            throw new InvalidArgumentException($"the body holds no Binding for pod \"{pod.Name}\": send {{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"target\":{{\"kind\":\"Node\",\"name\":\"NODE\"}}}}");
        }

        if (binding.Kind is { Length: > 0 } kind && kind != "Binding" || binding.ApiVersion is { Length: > 0 } version && version != "v1")
        {
            throw new InvalidArgumentException($"the body is a {binding.ApiVersion}, Kind={binding.Kind} but the path is for v1, Kind=Binding: send a Binding to pods/binding");
        }

        if (binding.Metadata?.Name is { Length: > 0 } name && name != pod.Name)
        {
            throw new InvalidArgumentException($"the name of the object ({name}) does not match the name on the URL ({pod.Name})");
        }

        if (binding.Metadata?.Namespace is { Length: > 0 } ns && ns != pod.Namespace)
        {
            throw new InvalidArgumentException("the namespace of the provided object does not match the namespace sent on the request");
        }

        // As kube-apiserver's ValidatePodBinding.
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(binding.Target?.Name))
        {
            errors.Add(new FieldError(FieldErrorType.Required, "target.name"));
        }

        if (binding.Target?.Kind is { Length: > 0 } targetKind && targetKind != "Node")
        {
            errors.Add(new FieldError(FieldErrorType.NotSupported, "target.kind", targetKind, "supported values: \"Node\", \"<empty>\""));
        }

        if (errors.Count > 0)
        {
            throw new InvalidObjectException("Binding", string.Empty, pod.Name, errors);
        }

        await server.BindAsync(user, pod, binding.Metadata?.Uid, binding.Target!.Name!, context.RequestAborted).ConfigureAwait(false);
        await WriteStatusAsync(context, new Status { Outcome = Status.Success, Code = 201 }).ConfigureAwait(false);
    }
}
