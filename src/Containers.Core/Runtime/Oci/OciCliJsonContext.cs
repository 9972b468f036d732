using System.Text.Json.Serialization;
using Containers.Runtime.Spec;

namespace Containers.Runtime.Oci;

/// <summary>What the adapter reads from and writes for runc: its state output and exec's process.json.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(List<ContainerState>))]
[JsonSerializable(typeof(OciProcess))]
internal sealed partial class OciCliJsonContext : JsonSerializerContext;
