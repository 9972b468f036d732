using System.Text.Json.Serialization;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;

namespace Containers.Orchestration.Serialization;

/// <summary>
/// The source-generated JSON contracts of every built-in kind (NativeAOT: no reflection). Use it
/// through <see cref="KubeJson"/>, whose options add Kubernetes' rules (empty collections left out,
/// unknown fields rejected in strict mode). A null in JSON reads as absent, as Go's decoder treats
/// null for a value field, because every non-nullable property's getter falls back to its default.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(Rfc3339TimeConverter)])]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(PersistentVolumeClaim))]
[JsonSerializable(typeof(ServiceAccount))]
[JsonSerializable(typeof(ReplicaSet))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(StatefulSet))]
[JsonSerializable(typeof(DaemonSet))]
[JsonSerializable(typeof(ControllerRevision))]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(CronJob))]
[JsonSerializable(typeof(HorizontalPodAutoscaler))]
[JsonSerializable(typeof(Role))]
[JsonSerializable(typeof(ClusterRole))]
[JsonSerializable(typeof(RoleBinding))]
[JsonSerializable(typeof(ClusterRoleBinding))]
public sealed partial class KubeJsonContext : JsonSerializerContext;
