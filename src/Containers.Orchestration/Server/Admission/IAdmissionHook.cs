namespace Containers.Orchestration.Server.Admission;

/// <summary>
/// A step every write passes after authorization and before the store: first all
/// <see cref="IMutatingAdmissionHook"/>s in order, then all <see cref="IValidatingAdmissionHook"/>s.
/// A hook refuses a write by throwing (<see cref="ForbiddenException"/>,
/// <see cref="Validation.InvalidObjectException"/>, or NotFound and the other errors).
/// </summary>
public interface IAdmissionHook
{
    /// <summary>A stable name, such as <c>NamespaceLifecycle</c>, for logs and errors.</summary>
    string Name { get; }
}

/// <summary>An admission hook that may change the object of a create or update.</summary>
public interface IMutatingAdmissionHook : IAdmissionHook
{
    /// <summary>The object to store: <see cref="AdmissionRequest.Object"/> itself, or a changed copy.</summary>
    ValueTask<Api.KubeObject> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken = default);
}

/// <summary>An admission hook that accepts or refuses a write, without changing it.</summary>
public interface IValidatingAdmissionHook : IAdmissionHook
{
    ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken = default);
}
