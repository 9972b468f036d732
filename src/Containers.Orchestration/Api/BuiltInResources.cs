using System.Globalization;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Autoscaling;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Api;

/// <summary>
/// The kinds this platform serves, with their REST names, scopes, short names and the fields a
/// field selector may use (Kubernetes' own per-kind field label sets).
/// </summary>
internal static class BuiltInResources
{
    public static IEnumerable<ResourceType> All =>
    [
        Core<Namespace>("Namespace", "namespaces", namespaced: false, ["ns"], new()
        {
            ["status.phase"] = o => ((Namespace)o).Status.Phase,
        }),
        Core<Pod>("Pod", "pods", namespaced: true, ["po"], new()
        {
            ["spec.nodeName"] = o => ((Pod)o).Spec.NodeName,
            ["spec.restartPolicy"] = o => ((Pod)o).Spec.RestartPolicy,
            ["spec.schedulerName"] = o => ((Pod)o).Spec.SchedulerName,
            ["spec.serviceAccountName"] = o => ((Pod)o).Spec.ServiceAccountName,
            ["spec.hostNetwork"] = o => ((Pod)o).Spec.HostNetwork == true ? "true" : "false",
            ["status.phase"] = o => ((Pod)o).Status.Phase,
            ["status.podIP"] = o => ((Pod)o).Status.PodIP,
            ["status.nominatedNodeName"] = o => ((Pod)o).Status.NominatedNodeName,
        }),
        Core<Node>("Node", "nodes", namespaced: false, ["no"], new()
        {
            ["spec.unschedulable"] = o => ((Node)o).Spec.Unschedulable == true ? "true" : "false",
        }),
        Core<ConfigMap>("ConfigMap", "configmaps", namespaced: true, ["cm"]),
        Core<Secret>("Secret", "secrets", namespaced: true, [], new()
        {
            ["type"] = o => ((Secret)o).Type,
        }),
        Core<Service>("Service", "services", namespaced: true, ["svc"], new()
        {
            ["spec.clusterIP"] = o => ((Service)o).Spec.ClusterIP,
            ["spec.type"] = o => ((Service)o).Spec.Type,
        }),
        Core<PersistentVolumeClaim>("PersistentVolumeClaim", "persistentvolumeclaims", namespaced: true, ["pvc"]),
        Core<ServiceAccount>("ServiceAccount", "serviceaccounts", namespaced: true, ["sa"]),
        Of<ReplicaSet>(AppsV1.Group, "ReplicaSet", "replicasets", namespaced: true, ["rs"], new()
        {
            ["status.replicas"] = o => ((ReplicaSet)o).Status.Replicas.ToString(CultureInfo.InvariantCulture),
        }),
        Of<Deployment>(AppsV1.Group, "Deployment", "deployments", namespaced: true, ["deploy"]),
        Of<StatefulSet>(AppsV1.Group, "StatefulSet", "statefulsets", namespaced: true, ["sts"]),
        Of<DaemonSet>(AppsV1.Group, "DaemonSet", "daemonsets", namespaced: true, ["ds"]),
        Of<ControllerRevision>(AppsV1.Group, "ControllerRevision", "controllerrevisions", namespaced: true, []),
        Of<Job>(BatchV1.Group, "Job", "jobs", namespaced: true, [], new()
        {
            ["status.successful"] = o => (((Job)o).Status.Succeeded ?? 0).ToString(CultureInfo.InvariantCulture),
        }),
        Of<CronJob>(BatchV1.Group, "CronJob", "cronjobs", namespaced: true, ["cj"]),
        Of<HorizontalPodAutoscaler>(HorizontalPodAutoscaler.Group, "HorizontalPodAutoscaler", "horizontalpodautoscalers", namespaced: true, ["hpa"], version: "v2"),
        Of<Role>(RbacV1.Group, "Role", "roles", namespaced: true, []),
        Of<ClusterRole>(RbacV1.Group, "ClusterRole", "clusterroles", namespaced: false, []),
        Of<RoleBinding>(RbacV1.Group, "RoleBinding", "rolebindings", namespaced: true, []),
        Of<ClusterRoleBinding>(RbacV1.Group, "ClusterRoleBinding", "clusterrolebindings", namespaced: false, []),
    ];

    private static ResourceType Core<T>(string kind, string resource, bool namespaced, string[] shortNames, Dictionary<string, Func<KubeObject, string?>>? fields = null) =>
        Of<T>(string.Empty, kind, resource, namespaced, shortNames, fields);

    private static ResourceType Of<T>(string group, string kind, string resource, bool namespaced, string[] shortNames, Dictionary<string, Func<KubeObject, string?>>? fields = null, string version = "v1") =>
        new(group, version, kind, resource, namespaced, KubeJson.GetTypeInfo<T>(), fields, shortNames);
}
