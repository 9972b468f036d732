namespace Containers.Images;

/// <summary>The two image archive formats <c>save</c> writes and <c>load</c> reads.</summary>
public enum ArchiveFormat
{
    /// <summary><c>docker save</c>'s: <c>manifest.json</c> and <c>repositories</c>, with an OCI layout beside them (Docker 25 and later).</summary>
    Docker,

    /// <summary>An OCI image layout in a tar, as skopeo's <c>oci-archive:</c> and podman write it.</summary>
    Oci,
}
