using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Server.Authentication;

namespace Containers.Orchestration.Server.Rbac;

/// <summary>
/// The RBAC objects a new cluster starts with, after Kubernetes' bootstrap policy:
/// <c>cluster-admin</c> (everything) bound to <c>system:masters</c>; <c>system:discovery</c> and
/// <c>system:public-info-viewer</c> (the discovery, version and health paths) bound to every
/// authenticated user; the user-facing <c>admin</c>, <c>edit</c> and <c>view</c> roles, meant to
/// be bound in a namespace with a RoleBinding; and <c>system:kube-scheduler</c>, bound to the user
/// of that name, for a scheduler that reaches the server over HTTP.
/// </summary>
public static class BootstrapPolicy
{
    public const string BootstrappingLabel = "kubernetes.io/bootstrapping";
    public const string AutoUpdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";

    /// <summary>The user a scheduler outside the server acts as (its token names it), as kube-scheduler's does.</summary>
    public const string SchedulerUser = "system:kube-scheduler";

    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] WriteVerbs = ["create", "delete", "deletecollection", "patch", "update"];

    public static IReadOnlyList<ClusterRole> ClusterRoles { get; } =
    [
        Role("cluster-admin",
            new PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] },
            new PolicyRule { NonResourceURLs = ["*"], Verbs = ["*"] }),
        Role("system:discovery",
            new PolicyRule { NonResourceURLs = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"], Verbs = ["get"] }),
        Role("system:public-info-viewer",
            new PolicyRule { NonResourceURLs = ["/healthz", "/livez", "/readyz", "/version", "/version/"], Verbs = ["get"] }),
        Role("view", ViewRules()),
        Role("edit", [.. ViewRules(), .. EditRules()]),
        Role("admin", [.. ViewRules(), .. EditRules(), .. AdminRules()]),
        Role(SchedulerUser, SchedulerRules()),
    ];

    public static IReadOnlyList<ClusterRoleBinding> ClusterRoleBindings { get; } =
    [
        Binding("cluster-admin", "cluster-admin", SystemGroups.Masters),
        Binding("system:discovery", "system:discovery", SystemGroups.Authenticated),
        Binding("system:public-info-viewer", "system:public-info-viewer", SystemGroups.Authenticated, SystemGroups.Unauthenticated),
        Binding(SchedulerUser, SchedulerUser, new Subject { Kind = "User", ApiGroup = RbacV1.Group, Name = SchedulerUser }),
    ];

    private static PolicyRule[] ViewRules() =>
    [
        new() { ApiGroups = [""], Resources = ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "pods/log", "pods/status", "replicationcontrollers", "services", "services/status", "serviceaccounts"], Verbs = ReadVerbs },
        new() { ApiGroups = [""], Resources = ["namespaces", "namespaces/status", "events", "limitranges", "resourcequotas"], Verbs = ReadVerbs },
        new() { ApiGroups = ["apps"], Resources = ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"], Verbs = ReadVerbs },
        new() { ApiGroups = ["autoscaling"], Resources = ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], Verbs = ReadVerbs },
        new() { ApiGroups = ["batch"], Resources = ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], Verbs = ReadVerbs },
    ];

    private static PolicyRule[] EditRules() =>
    [
        new() { ApiGroups = [""], Resources = ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], Verbs = WriteVerbs },
        new() { ApiGroups = [""], Resources = ["configmaps", "endpoints", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], Verbs = WriteVerbs },
        new() { ApiGroups = [""], Resources = ["secrets"], Verbs = ReadVerbs },
        new() { ApiGroups = ["apps"], Resources = ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"], Verbs = WriteVerbs },
        new() { ApiGroups = ["autoscaling"], Resources = ["horizontalpodautoscalers"], Verbs = WriteVerbs },
        new() { ApiGroups = ["batch"], Resources = ["cronjobs", "jobs"], Verbs = WriteVerbs },
    ];

    /// <summary>What kube-scheduler's bootstrap role lets it do, of the kinds served here: read the cluster, bind and evict pods, report their status, and elect a leader.</summary>
    private static PolicyRule[] SchedulerRules() =>
    [
        new() { ApiGroups = [""], Resources = ["events"], Verbs = ["create", "patch", "update"] },
        new() { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], Verbs = ["create"] },
        new() { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], ResourceNames = ["kube-scheduler"], Verbs = ["get", "update"] },
        new() { ApiGroups = [""], Resources = ["nodes", "namespaces", "persistentvolumeclaims", "persistentvolumes", "replicationcontrollers", "services"], Verbs = ReadVerbs },
        new() { ApiGroups = [""], Resources = ["pods"], Verbs = ["delete", .. ReadVerbs] },
        new() { ApiGroups = [""], Resources = ["bindings", "pods/binding"], Verbs = ["create"] },
        new() { ApiGroups = [""], Resources = ["pods/status"], Verbs = ["patch", "update"] },
        new() { ApiGroups = ["apps"], Resources = ["replicasets", "statefulsets"], Verbs = ReadVerbs },
    ];

    private static PolicyRule[] AdminRules() =>
    [
        new() { ApiGroups = [RbacV1.Group], Resources = ["rolebindings", "roles"], Verbs = [.. ReadVerbs, .. WriteVerbs] },
    ];

    private static ClusterRole Role(string name, params PolicyRule[] rules) => new()
    {
        Metadata = Meta(name),
        Rules = rules,
    };

    private static ClusterRoleBinding Binding(string name, string role, params string[] groups) =>
        Binding(name, role, [.. groups.Select(g => new Subject { Kind = "Group", ApiGroup = RbacV1.Group, Name = g })]);

    private static ClusterRoleBinding Binding(string name, string role, params Subject[] subjects) => new()
    {
        Metadata = Meta(name),
        RoleRef = new RoleRef { ApiGroup = RbacV1.Group, Kind = ClusterRole.KindName, Name = role },
        Subjects = subjects,
    };

    private static ObjectMeta Meta(string name) => new()
    {
        Name = name,
        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [BootstrappingLabel] = "rbac-defaults" },
        Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [AutoUpdateAnnotation] = "true" },
    };
}
