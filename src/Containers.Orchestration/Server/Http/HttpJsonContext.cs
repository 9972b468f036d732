using Containers.Orchestration.Controllers.Client;
using System.Text.Json.Serialization;

namespace Containers.Orchestration.Server.Http;

/// <summary>The source-generated JSON contracts of the API's own documents: Status, DeleteOptions, Binding, discovery, version.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(DeleteOptionsBody))]
[JsonSerializable(typeof(BindingBody))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(ApiVersions))]
[JsonSerializable(typeof(ApiGroupList))]
[JsonSerializable(typeof(ApiGroup))]
[JsonSerializable(typeof(ApiResourceList))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
