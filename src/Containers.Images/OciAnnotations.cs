namespace Containers.Images;

/// <summary>Annotation keys that the OCI image spec predefines and that this library reads.</summary>
public static class OciAnnotations
{
    /// <summary>The name of a manifest in an image layout's index: the tag.</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    public const string Created = "org.opencontainers.image.created";

    /// <summary>containerd's full image name annotation, which some tools add beside the tag.</summary>
    public const string ContainerdImageName = "io.containerd.image.name";
}
