namespace Containers.Orchestration.Api.Core;

/// <summary>An environment variable: a value, or a reference to where the value comes from.</summary>
public sealed record EnvVar
{
    public string Name { get => field ?? string.Empty; init; }

    /// <summary>May refer to earlier variables as $(NAME).</summary>
    public string? Value { get; init; }

    public EnvVarSource? ValueFrom { get; init; }
}

/// <summary>Exactly one source of a variable's value.</summary>
public sealed record EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; init; }

    public ResourceFieldSelector? ResourceFieldRef { get; init; }

    public KeySelector? ConfigMapKeyRef { get; init; }

    public KeySelector? SecretKeyRef { get; init; }

    public FileKeySelector? FileKeyRef { get; init; }
}

/// <summary>A field of the pod, such as metadata.name or status.podIP.</summary>
public sealed record ObjectFieldSelector
{
    public string? ApiVersion { get; init; }

    public string FieldPath { get => field ?? string.Empty; init; }
}

/// <summary>A container's resource request or limit, such as limits.memory.</summary>
public sealed record ResourceFieldSelector
{
    public string? ContainerName { get; init; }

    public string Resource { get => field ?? string.Empty; init; }

    public Quantity? Divisor { get; init; }
}

/// <summary>A key of a ConfigMap or Secret in the pod's namespace.</summary>
public sealed record KeySelector
{
    public string Name { get => field ?? string.Empty; init; }

    public string Key { get => field ?? string.Empty; init; }

    public bool? Optional { get; init; }
}

/// <summary>A key of an env file (KEY=value lines) that an init container wrote into an emptyDir volume.</summary>
public sealed record FileKeySelector
{
    public string VolumeName { get => field ?? string.Empty; init; }

    /// <summary>The file, relative to the volume.</summary>
    public string Path { get => field ?? string.Empty; init; }

    public string Key { get => field ?? string.Empty; init; }

    public bool? Optional { get; init; }
}

/// <summary>Every key of a ConfigMap or Secret as variables, with an optional prefix.</summary>
public sealed record EnvFromSource
{
    public string? Prefix { get; init; }

    public OptionalReference? ConfigMapRef { get; init; }

    public OptionalReference? SecretRef { get; init; }
}

/// <summary>Names a ConfigMap or Secret that may be allowed to be missing.</summary>
public sealed record OptionalReference
{
    public string Name { get => field ?? string.Empty; init; }

    public bool? Optional { get; init; }
}
