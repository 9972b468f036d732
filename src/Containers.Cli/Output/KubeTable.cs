using System.Globalization;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;

namespace Containers.Cli.Output;

/// <summary>
/// <c>containers cluster get</c>'s tables: kubectl's default columns for each kind (more with
/// <c>-o wide</c>), a NAMESPACE column first across namespaces, and ages as kubectl words them.
/// </summary>
internal static class KubeTable
{
    public static Table For(ResourceType type, IReadOnlyList<KubeObject> items, bool allNamespaces, bool wide, DateTimeOffset now)
    {
        var (headers, row) = Columns(type, wide, now);
        var table = new Table([.. allNamespaces ? ["NAMESPACE"] : Array.Empty<string>(), .. headers]) { MinimumWidth = 6 };
        foreach (var item in items)
        {
            table.Add([.. allNamespaces ? [item.Namespace ?? string.Empty] : Array.Empty<string>(), .. row(item)]);
        }

        return table;
    }

    private static (string[] Headers, Func<KubeObject, string[]> Row) Columns(ResourceType type, bool wide, DateTimeOffset now)
    {
        string Age(KubeObject o) => o.Metadata.CreationTimestamp is { } created ? HumanDuration(now - created) : "<unknown>";
        return type.Kind switch
        {
            "Pod" => wide
                ? (["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"], o => [.. PodRow((Pod)o, Age(o)), ((Pod)o).Status.PodIP ?? "<none>", ((Pod)o).Spec.NodeName ?? "<none>"])
                : (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], o => PodRow((Pod)o, Age(o))),
            "Deployment" => wide
                ? (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], o => [.. DeploymentRow((Deployment)o, Age(o)), .. TemplateColumns(((Deployment)o).Spec.Template, ((Deployment)o).Spec.Selector)])
                : (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], o => DeploymentRow((Deployment)o, Age(o))),
            "ReplicaSet" => (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], o =>
            {
                var rs = (ReplicaSet)o;
                return [rs.Name, Number(rs.Spec.Replicas ?? 1), Number(rs.Status.Replicas), Number(rs.Status.ReadyReplicas ?? 0), Age(o)];
            }),
            "StatefulSet" => (["NAME", "READY", "AGE"], o =>
            {
                var sts = (StatefulSet)o;
                return [sts.Name, $"{sts.Status.ReadyReplicas ?? 0}/{sts.Spec.Replicas ?? 1}", Age(o)];
            }),
            "DaemonSet" => (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], o =>
            {
                var ds = (DaemonSet)o;
                var selector = ds.Spec.Template.Spec.NodeSelector;
                return
                [
                    ds.Name, Number(ds.Status.DesiredNumberScheduled), Number(ds.Status.CurrentNumberScheduled), Number(ds.Status.NumberReady),
                    Number(ds.Status.UpdatedNumberScheduled ?? 0), Number(ds.Status.NumberAvailable ?? 0),
                    selector.Count == 0 ? "<none>" : string.Join(',', selector.Select(kv => $"{kv.Key}={kv.Value}")), Age(o),
                ];
            }),
            "Job" => (["NAME", "COMPLETIONS", "AGE"], o =>
            {
                var job = (Job)o;
                return [job.Name, $"{job.Status.Succeeded ?? 0}/{job.Spec.Completions ?? 1}", Age(o)];
            }),
            "CronJob" => (["NAME", "SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], o =>
            {
                var cj = (CronJob)o;
                return
                [
                    cj.Name, cj.Spec.Schedule ?? string.Empty, cj.Spec.Suspend == true ? "True" : "False", Number(cj.Status.Active.Count),
                    cj.Status.LastScheduleTime is { } last ? HumanDuration(now - last) : "<none>", Age(o),
                ];
            }),
            "Service" => (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], o =>
            {
                var svc = (Service)o;
                var ports = svc.Spec.Ports.Count == 0 ? "<none>" : string.Join(',', svc.Spec.Ports.Select(p => $"{p.Port}/{p.Protocol ?? "TCP"}"));
                return [svc.Name, svc.Spec.Type ?? "ClusterIP", svc.Spec.ClusterIP ?? "<none>", "<none>", ports, Age(o)];
            }),
            "Namespace" => (["NAME", "STATUS", "AGE"], o => [o.Name, ((Namespace)o).Status.Phase ?? string.Empty, Age(o)]),
            "Node" => (["NAME", "STATUS", "ROLES", "AGE", "VERSION"], o =>
            {
                var node = (Node)o;
                var ready = Conditions.Find(node.Status.Conditions, "Ready");
                var status = ready?.IsTrue == true ? "Ready" : ready is null ? "Unknown" : "NotReady";
                if (node.Spec.Unschedulable == true)
                {
                    status += ",SchedulingDisabled";
                }

                var roles = node.Metadata.Labels.Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..]).ToList();
                return [node.Name, status, roles.Count == 0 ? "<none>" : string.Join(',', roles), Age(o), node.Status.NodeInfo?.KubeletVersion ?? string.Empty];
            }),
            "ConfigMap" => (["NAME", "DATA", "AGE"], o => [o.Name, Number(((ConfigMap)o).Data.Count + ((ConfigMap)o).BinaryData.Count), Age(o)]),
            "Secret" => (["NAME", "TYPE", "DATA", "AGE"], o => [o.Name, ((Secret)o).Type ?? "Opaque", Number(((Secret)o).Data.Count), Age(o)]),
            _ => (["NAME", "AGE"], o => [o.Name, Age(o)]),
        };
    }

    private static string[] PodRow(Pod pod, string age)
    {
        var statuses = pod.Status.ContainerStatuses;
        var ready = statuses.Count(s => s.Ready);
        var restarts = statuses.Sum(s => s.RestartCount);
        var reason = pod.Metadata.DeletionTimestamp is not null ? "Terminating"
            : statuses.Select(s => s.State.Waiting?.Reason ?? s.State.Terminated?.Reason).FirstOrDefault(r => r is not null)
              ?? pod.Status.Reason ?? pod.Status.Phase ?? "Pending";
        return [pod.Name, $"{ready}/{pod.Spec.Containers.Count}", reason, Number(restarts), age];
    }

    private static string[] DeploymentRow(Deployment d, string age) =>
        [d.Name, $"{d.Status.ReadyReplicas}/{d.Spec.Replicas ?? 1}", Number(d.Status.UpdatedReplicas), Number(d.Status.AvailableReplicas), age];

    private static string[] TemplateColumns(PodTemplateSpec template, LabelSelector? selector) =>
    [
        string.Join(',', template.Spec.Containers.Select(c => c.Name)),
        string.Join(',', template.Spec.Containers.Select(c => c.Image)),
        selector?.ToString() is { Length: > 0 } s ? s : "<none>",
    ];

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>kubectl's short ages: 45s, 3m12s, 5m, 2h30m, 7h, 3d4h, 12d, 2y45d.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        var seconds = (long)d.TotalSeconds;
        var minutes = seconds / 60;
        var hours = minutes / 60;
        var days = hours / 24;
        return seconds switch
        {
            < 120 => $"{seconds}s",
            _ when minutes < 10 => seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s",
            _ when minutes < 180 => $"{minutes}m",
            _ when hours < 8 => minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m",
            _ when hours < 48 => $"{hours}h",
            _ when hours < 24 * 8 => hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h",
            _ when days < 365 * 2 => $"{days}d",
            _ when days < 365 * 8 => days % 365 == 0 ? $"{days / 365}y" : $"{days / 365}y{days % 365}d",
            _ => $"{days / 365}y",
        };
    }
}
