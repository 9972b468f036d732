using System.Text.Json.Serialization;

namespace Containers.Images.Engine;

/// <summary>What a <see cref="VolumeMount"/> mounts into the container.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VolumeMountKind>))]
public enum VolumeMountKind
{
    /// <summary>A host file or directory, bound in (<c>-v /host:/ctr</c>).</summary>
    Bind,

    /// <summary>A volume the engine keeps under its root (<c>-v name:/ctr</c>); an empty source makes an anonymous one (<c>-v /ctr</c>).</summary>
    Volume,

    /// <summary>A fresh tmpfs that lives as long as the container runs (<c>--tmpfs /ctr</c>).</summary>
    Tmpfs,
}
