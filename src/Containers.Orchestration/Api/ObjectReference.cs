namespace Containers.Orchestration.Api;

/// <summary>Names any object, such as the Jobs a CronJob has running.</summary>
public sealed record ObjectReference
{
    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Uid { get; init; }

    public string? ApiVersion { get; init; }

    public string? ResourceVersion { get; init; }

    public string? FieldPath { get; init; }

    public static ObjectReference To(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new ObjectReference
        {
            Kind = obj.Kind,
            ApiVersion = obj.ApiVersion,
            Namespace = obj.Namespace,
            Name = obj.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
    }
}
