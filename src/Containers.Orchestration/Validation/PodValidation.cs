using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;

namespace Containers.Orchestration.Validation;

/// <summary>Kubernetes' rules for pod specs: containers, ports, env, resources, probes, volumes, tolerations.</summary>
internal static class PodValidation
{
    private static readonly string[] RestartPolicies = [RestartPolicy.Always, RestartPolicy.OnFailure, RestartPolicy.Never];
    private static readonly string[] PullPolicies = [PullPolicy.Always, PullPolicy.IfNotPresent, PullPolicy.Never];
    private static readonly string[] Protocols = [Protocol.Tcp, Protocol.Udp, Protocol.Sctp];
    private static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    private static readonly string[] TaintEffects = [TaintEffect.NoSchedule, TaintEffect.PreferNoSchedule, TaintEffect.NoExecute];

    /// <param name="claimVolumes">Volume names a StatefulSet's volumeClaimTemplates add to each pod.</param>
    public static void PodSpec(PodSpec spec, FieldPath path, ValidationErrors errors, IEnumerable<string>? claimVolumes = null)
    {
        var volumes = Volumes(spec.Volumes, path.Child("volumes"), errors);
        volumes.UnionWith(claimVolumes ?? []);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.InitContainers.Count; i++)
        {
            Container(spec.InitContainers[i], volumes, names, init: true, path.Child("initContainers").Index(i), errors);
        }

        if (spec.Containers.Count == 0)
        {
            errors.Required(path.Child("containers"));
        }

        for (var i = 0; i < spec.Containers.Count; i++)
        {
            Container(spec.Containers[i], volumes, names, init: false, path.Child("containers").Index(i), errors);
        }

        if (spec.Resources is { } podResources)
        {
            PodLevelResources(spec, podResources, path, errors);
        }

        SchedulingGates(spec.SchedulingGates, path.Child("schedulingGates"), errors);
        if (spec.HostUsers == false)
        {
            foreach (var (field, shared) in new[] { ("hostNetwork", spec.HostNetwork), ("hostPID", spec.HostPID), ("hostIPC", spec.HostIPC) })
            {
                if (shared == true)
                {
                    errors.Forbidden(path.Child(field), "when `hostUsers` is false");
                }
            }
        }

        errors.OneOf(path.Child("securityContext").Child("supplementalGroupsPolicy"), spec.SecurityContext?.SupplementalGroupsPolicy, "Merge", "Strict");

        errors.OneOf(path.Child("restartPolicy"), spec.RestartPolicy, RestartPolicies);
        errors.OneOf(path.Child("dnsPolicy"), spec.DnsPolicy, DnsPolicies);
        errors.NonNegative(path.Child("terminationGracePeriodSeconds"), spec.TerminationGracePeriodSeconds);
        errors.Positive(path.Child("activeDeadlineSeconds"), spec.ActiveDeadlineSeconds);
        MetadataValidation.Labels(spec.NodeSelector, path.Child("nodeSelector"), errors);
        if (!string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            errors.InvalidEach(path.Child("serviceAccountName"), spec.ServiceAccountName, KubeNames.ValidateDns1123Subdomain(spec.ServiceAccountName));
        }

        if (!string.IsNullOrEmpty(spec.NodeName))
        {
            errors.InvalidEach(path.Child("nodeName"), spec.NodeName, KubeNames.ValidateDns1123Subdomain(spec.NodeName));
        }

        if (!string.IsNullOrEmpty(spec.Hostname))
        {
            errors.InvalidEach(path.Child("hostname"), spec.Hostname, KubeNames.ValidateDns1123Label(spec.Hostname));
        }

        if (!string.IsNullOrEmpty(spec.Subdomain))
        {
            errors.InvalidEach(path.Child("subdomain"), spec.Subdomain, KubeNames.ValidateDns1123Label(spec.Subdomain));
        }

        for (var i = 0; i < spec.Tolerations.Count; i++)
        {
            Toleration(spec.Tolerations[i], path.Child("tolerations").Index(i), errors);
        }

        for (var i = 0; i < spec.ImagePullSecrets.Count; i++)
        {
            if (spec.ImagePullSecrets[i].Name.Length == 0)
            {
                errors.Required(path.Child("imagePullSecrets").Index(i).Child("name"));
            }
        }
    }

    private static void Container(Container c, HashSet<string> volumes, HashSet<string> names, bool init, FieldPath path, ValidationErrors errors)
    {
        if (c.Name.Length == 0)
        {
            errors.Required(path.Child("name"));
        }
        else
        {
            errors.InvalidEach(path.Child("name"), c.Name, KubeNames.ValidateDns1123Label(c.Name));
            if (!names.Add(c.Name))
            {
                errors.Duplicate(path.Child("name"), c.Name);
            }
        }

        if (string.IsNullOrWhiteSpace(c.Image))
        {
            errors.Required(path.Child("image"));
        }
        else if (c.Image.Trim() != c.Image)
        {
            errors.Invalid(path.Child("image"), c.Image, "must not have leading or trailing whitespace");
        }

        errors.OneOf(path.Child("imagePullPolicy"), c.ImagePullPolicy, PullPolicies);
        if (c.RestartPolicy is not null)
        {
            if (!init)
            {
                errors.Forbidden(path.Child("restartPolicy"), "may not be set for non-init containers");
            }
            else
            {
                errors.OneOf(path.Child("restartPolicy"), c.RestartPolicy, RestartPolicy.Always);
            }
        }

        RestartPolicyRules(c, path, errors);
        Ports(c.Ports, path.Child("ports"), errors);
        Env(c.Env, volumes, path.Child("env"), errors);
        for (var i = 0; i < c.EnvFrom.Count; i++)
        {
            var from = c.EnvFrom[i];
            var at = path.Child("envFrom").Index(i);
            if ((from.ConfigMapRef is null) == (from.SecretRef is null))
            {
                errors.Invalid(at, null, "must specify one of: `configMapRef` or `secretRef`");
            }

            if (from.ConfigMapRef is { Name.Length: 0 })
            {
                errors.Required(at.Child("configMapRef").Child("name"));
            }

            if (from.SecretRef is { Name.Length: 0 })
            {
                errors.Required(at.Child("secretRef").Child("name"));
            }
        }

        Resources(c.Resources.Requests, c.Resources.Limits, path.Child("resources"), errors);
        ResizePolicy(c.ResizePolicy, path.Child("resizePolicy"), errors);
        for (var i = 0; i < c.VolumeMounts.Count; i++)
        {
            var mount = c.VolumeMounts[i];
            var at = path.Child("volumeMounts").Index(i);
            if (mount.Name.Length == 0)
            {
                errors.Required(at.Child("name"));
            }
            else if (!volumes.Contains(mount.Name))
            {
                errors.NotFound(at.Child("name"), mount.Name);
            }

            if (mount.MountPath.Length == 0)
            {
                errors.Required(at.Child("mountPath"));
            }

            if (mount.SubPath is { } sub && (sub.StartsWith('/') || sub.Split('/').Contains("..")))
            {
                errors.Invalid(at.Child("subPath"), sub, "must be a relative path without '..'");
            }
        }

        Probe(c.LivenessProbe, liveness: true, path.Child("livenessProbe"), errors);
        Probe(c.ReadinessProbe, liveness: false, path.Child("readinessProbe"), errors);
        Probe(c.StartupProbe, liveness: true, path.Child("startupProbe"), errors);
    }

    private static void Ports(IReadOnlyList<ContainerPortSpec> ports, FieldPath path, ValidationErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var at = path.Index(i);
            if (port.Name is { } name)
            {
                errors.InvalidEach(at.Child("name"), name, KubeNames.ValidatePortName(name));
                if (!names.Add(name))
                {
                    errors.Duplicate(at.Child("name"), name);
                }
            }

            if (port.ContainerPort == 0)
            {
                errors.Required(at.Child("containerPort"));
            }
            else
            {
                errors.PortNumber(at.Child("containerPort"), port.ContainerPort);
            }

            if (port.HostPort is { } hostPort && hostPort != 0)
            {
                errors.PortNumber(at.Child("hostPort"), hostPort);
            }

            errors.OneOf(at.Child("protocol"), port.Protocol, Protocols);
        }
    }

    private static void RestartPolicyRules(Container c, FieldPath path, ValidationErrors errors)
    {
        if (c.RestartPolicyRules.Count > 0 && c.RestartPolicy is null)
        {
            errors.Required(path.Child("restartPolicy"), "must specify restartPolicy when restart rules are used");
        }

        for (var i = 0; i < c.RestartPolicyRules.Count; i++)
        {
            var rule = c.RestartPolicyRules[i];
            var at = path.Child("restartPolicyRules").Index(i);
            if (rule.Action.Length == 0)
            {
                errors.Required(at.Child("action"));
            }
            else
            {
                errors.OneOf(at.Child("action"), rule.Action, "Restart", "RestartAllContainers");
            }

            if (rule.ExitCodes is not { } codes)
            {
                errors.Required(at.Child("exitCodes"));
                continue;
            }

            errors.OneOf(at.Child("exitCodes").Child("operator"), codes.Operator, "In", "NotIn");
            for (var j = 0; j < codes.Values.Count; j++)
            {
                if (codes.Values[j] is < 0 or > 255)
                {
                    errors.Invalid(at.Child("exitCodes").Child("values").Index(j), codes.Values[j], "must be between 0 and 255, inclusive");
                }
            }
        }
    }

    private static void ResizePolicy(IReadOnlyList<ContainerResizePolicy> policies, FieldPath path, ValidationErrors errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            var at = path.Index(i);
            errors.OneOf(at.Child("resourceName"), policy.ResourceName, ResourceNames.Cpu, ResourceNames.Memory);
            if (!seen.Add(policy.ResourceName))
            {
                errors.Duplicate(at.Child("resourceName"), policy.ResourceName);
            }

            errors.OneOf(at.Child("restartPolicy"), policy.RestartPolicy, "NotRequired", "RestartContainer");
        }
    }

    private static void SchedulingGates(IReadOnlyList<PodSchedulingGate> gates, FieldPath path, ValidationErrors errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < gates.Count; i++)
        {
            var name = gates[i].Name;
            var at = path.Index(i).Child("name");
            errors.InvalidEach(at, name, KubeNames.ValidateQualifiedName(name));
            if (!seen.Add(name))
            {
                errors.Duplicate(at, name);
            }
        }
    }

    /// <summary>
    /// Pod-level resources, as Kubernetes checks them: only cpu, memory and hugepages, requests not
    /// above limits, requests covering what the containers request together, and no container limit
    /// above the pod's.
    /// </summary>
    private static void PodLevelResources(PodSpec spec, ResourceRequirements resources, FieldPath path, ValidationErrors errors)
    {
        var at = path.Child("resources");
        foreach (var (kind, list) in new[] { ("limits", resources.Limits), ("requests", resources.Requests) })
        {
            foreach (var name in list.Keys.Where(n => !PodResources.IsPodLevel(n)))
            {
                errors.NotSupported(at.Child(kind).Key(name), name, ResourceNames.Cpu, ResourceNames.Memory, PodResources.HugePagesPrefix + "*");
            }
        }

        Resources(resources.Requests, resources.Limits, at, errors);
        foreach (var (name, aggregate) in PodResources.ContainerRequests(spec))
        {
            if (resources.Requests.TryGetValue(name, out var request) && PodResources.IsPodLevel(name) && aggregate > request)
            {
                errors.Invalid(at.Child("requests").Key(name), request.ToString(), $"must be greater than or equal to aggregate container requests of {aggregate}");
            }
        }

        for (var i = 0; i < spec.Containers.Count; i++)
        {
            foreach (var (name, limit) in spec.Containers[i].Resources.Limits)
            {
                if (resources.Limits.TryGetValue(name, out var podLimit) && limit > podLimit)
                {
                    errors.Invalid(path.Child("containers").Index(i).Child("resources").Child("limits").Key(name), limit.ToString(), $"must be less than or equal to pod limits of {podLimit}");
                }
            }
        }
    }

    private static void Env(IReadOnlyList<EnvVar> env, HashSet<string> volumes, FieldPath path, ValidationErrors errors)
    {
        for (var i = 0; i < env.Count; i++)
        {
            var e = env[i];
            var at = path.Index(i);
            if (e.Name.Length == 0)
            {
                errors.Required(at.Child("name"));
            }
            else
            {
                errors.InvalidEach(at.Child("name"), e.Name, KubeNames.ValidateEnvVarName(e.Name));
            }

            if (e.ValueFrom is not { } from)
            {
                continue;
            }

            var sources = new object?[] { from.FieldRef, from.ResourceFieldRef, from.ConfigMapKeyRef, from.SecretKeyRef, from.FileKeyRef }.Count(s => s is not null);
            if (sources == 0)
            {
                errors.Invalid(at.Child("valueFrom"), null, "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`");
            }
            else if (sources > 1)
            {
                errors.Invalid(at.Child("valueFrom"), null, "may not have more than one field specified at a time");
            }

            if (!string.IsNullOrEmpty(e.Value))
            {
                errors.Invalid(at.Child("valueFrom"), null, "may not be specified when `value` is not empty");
            }

            if (from.FieldRef is { FieldPath.Length: 0 })
            {
                errors.Required(at.Child("valueFrom").Child("fieldRef").Child("fieldPath"));
            }

            if (from.ResourceFieldRef is { Resource.Length: 0 })
            {
                errors.Required(at.Child("valueFrom").Child("resourceFieldRef").Child("resource"));
            }

            KeyRef(from.ConfigMapKeyRef, at.Child("valueFrom").Child("configMapKeyRef"), errors);
            KeyRef(from.SecretKeyRef, at.Child("valueFrom").Child("secretKeyRef"), errors);
            FileKeyRef(from.FileKeyRef, volumes, at.Child("valueFrom").Child("fileKeyRef"), errors);
        }
    }

    private static void FileKeyRef(FileKeySelector? selector, HashSet<string> volumes, FieldPath path, ValidationErrors errors)
    {
        if (selector is null)
        {
            return;
        }

        if (selector.VolumeName.Length == 0)
        {
            errors.Required(path.Child("volumeName"));
        }
        else if (!volumes.Contains(selector.VolumeName))
        {
            errors.NotFound(path.Child("volumeName"), selector.VolumeName);
        }

        RelativePath(selector.Path, path.Child("path"), errors);
        if (selector.Key.Length == 0)
        {
            errors.Required(path.Child("key"));
        }
        else
        {
            errors.InvalidEach(path.Child("key"), selector.Key, KubeNames.ValidateEnvVarName(selector.Key));
        }
    }

    private static void RelativePath(string value, FieldPath path, ValidationErrors errors)
    {
        if (value.Length == 0)
        {
            errors.Required(path);
        }
        else if (value.StartsWith('/') || value.Split('/').Contains(".."))
        {
            errors.Invalid(path, value, "must be a relative path without '..'");
        }
    }

    private static void KeyRef(KeySelector? selector, FieldPath path, ValidationErrors errors)
    {
        if (selector is null)
        {
            return;
        }

        if (selector.Name.Length == 0)
        {
            errors.Required(path.Child("name"));
        }

        if (selector.Key.Length == 0)
        {
            errors.Required(path.Child("key"));
        }
        else
        {
            errors.InvalidEach(path.Child("key"), selector.Key, KubeNames.ValidateConfigMapKey(selector.Key));
        }
    }

    /// <summary>Requests and limits: valid names, no negative amounts, and a request never above its limit.</summary>
    public static void Resources(IReadOnlyDictionary<string, Quantity> requests, IReadOnlyDictionary<string, Quantity> limits, FieldPath path, ValidationErrors errors)
    {
        foreach (var (name, amount) in limits)
        {
            ResourceAmount(name, amount, path.Child("limits").Key(name), errors);
        }

        foreach (var (name, amount) in requests)
        {
            ResourceAmount(name, amount, path.Child("requests").Key(name), errors);
            if (limits.TryGetValue(name, out var limit) && amount > limit)
            {
                errors.Invalid(path.Child("requests").Key(name), amount.ToString(), $"must be less than or equal to {name} limit of {limit}");
            }
        }
    }

    private static void ResourceAmount(string name, Quantity amount, FieldPath path, ValidationErrors errors)
    {
        errors.InvalidEach(path, name, KubeNames.ValidateQualifiedName(name));
        if (amount < Quantity.Zero)
        {
            errors.Invalid(path, amount.ToString(), "must be greater than or equal to 0");
        }
    }

    private static void Probe(Probe? probe, bool liveness, FieldPath path, ValidationErrors errors)
    {
        if (probe is null)
        {
            return;
        }

        var handlers = new object?[] { probe.Exec, probe.HttpGet, probe.TcpSocket, probe.Grpc }.Count(h => h is not null);
        if (handlers == 0)
        {
            errors.Required(path, "must specify a handler type");
        }
        else if (handlers > 1)
        {
            errors.Forbidden(path, "may not specify more than 1 handler type");
        }

        if (probe.Exec is { Command.Count: 0 })
        {
            errors.Required(path.Child("exec").Child("command"));
        }

        if (probe.HttpGet is { } http)
        {
            PortRef(http.Port, path.Child("httpGet").Child("port"), errors);
            errors.OneOf(path.Child("httpGet").Child("scheme"), http.Scheme, "HTTP", "HTTPS");
        }

        if (probe.TcpSocket is { } tcp)
        {
            PortRef(tcp.Port, path.Child("tcpSocket").Child("port"), errors);
        }

        if (probe.Grpc is { } grpc)
        {
            errors.PortNumber(path.Child("grpc").Child("port"), grpc.Port);
        }

        errors.NonNegative(path.Child("initialDelaySeconds"), probe.InitialDelaySeconds);
        errors.NonNegative(path.Child("timeoutSeconds"), probe.TimeoutSeconds);
        errors.NonNegative(path.Child("periodSeconds"), probe.PeriodSeconds);
        errors.NonNegative(path.Child("successThreshold"), probe.SuccessThreshold);
        errors.NonNegative(path.Child("failureThreshold"), probe.FailureThreshold);
        if (liveness && probe.SuccessThreshold is > 1)
        {
            errors.Invalid(path.Child("successThreshold"), probe.SuccessThreshold.Value, "must be 1");
        }
    }

    /// <summary>A port given as a number (1-65535) or as a container port's name.</summary>
    public static void PortRef(IntOrString port, FieldPath path, ValidationErrors errors)
    {
        if (port.IsString)
        {
            errors.InvalidEach(path, port.StringValue, KubeNames.ValidatePortName(port.StringValue));
        }
        else
        {
            errors.PortNumber(path, port.IntValue);
        }
    }

    private static HashSet<string> Volumes(IReadOnlyList<Volume> volumes, FieldPath path, ValidationErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < volumes.Count; i++)
        {
            var v = volumes[i];
            var at = path.Index(i);
            if (v.Name.Length == 0)
            {
                errors.Required(at.Child("name"));
            }
            else
            {
                errors.InvalidEach(at.Child("name"), v.Name, KubeNames.ValidateDns1123Label(v.Name));
                if (!names.Add(v.Name))
                {
                    errors.Duplicate(at.Child("name"), v.Name);
                }
            }

            var sources = new object?[] { v.EmptyDir, v.HostPath, v.ConfigMap, v.Secret, v.PersistentVolumeClaim, v.Image, v.Projected, v.DownwardAPI }.Count(s => s is not null);
            if (sources == 0)
            {
                errors.Required(at, "must specify a volume type");
            }
            else if (sources > 1)
            {
                errors.Forbidden(at, "may not specify more than 1 volume type");
            }

            if (v.HostPath is { Path.Length: 0 })
            {
                errors.Required(at.Child("hostPath").Child("path"));
            }

            errors.OneOf(at.Child("hostPath").Child("type"), v.HostPath?.Type is { Length: > 0 } t ? t : null, "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice");
            if (v.ConfigMap is { } cm)
            {
                if (string.IsNullOrEmpty(cm.Name))
                {
                    errors.Required(at.Child("configMap").Child("name"));
                }

                KeysToPaths(cm.Items, cm.DefaultMode, at.Child("configMap"), errors);
            }

            if (v.Secret is { } secret)
            {
                if (string.IsNullOrEmpty(secret.SecretName))
                {
                    errors.Required(at.Child("secret").Child("secretName"));
                }

                KeysToPaths(secret.Items, secret.DefaultMode, at.Child("secret"), errors);
            }

            if (v.PersistentVolumeClaim is { ClaimName.Length: 0 })
            {
                errors.Required(at.Child("persistentVolumeClaim").Child("claimName"));
            }

            if (v.EmptyDir is { } emptyDir)
            {
                errors.OneOf(at.Child("emptyDir").Child("medium"), emptyDir.Medium is { Length: > 0 } m ? m : null, "Memory", "HugePages");
                if (emptyDir.Mode is < 0 or > 0x3FF)
                {
                    errors.Invalid(at.Child("emptyDir").Child("mode"), emptyDir.Mode.Value, "must be a number between 0 and 01777 (octal), both inclusive");
                }
            }

            if (v.Image is { } image)
            {
                if (string.IsNullOrWhiteSpace(image.Reference))
                {
                    errors.Required(at.Child("image").Child("reference"));
                }

                errors.OneOf(at.Child("image").Child("pullPolicy"), image.PullPolicy, PullPolicies);
            }
        }

        return names;
    }

    private static void KeysToPaths(IReadOnlyList<KeyToPath> items, int? defaultMode, FieldPath path, ValidationErrors errors)
    {
        Mode(defaultMode, path.Child("defaultMode"), errors);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = path.Child("items").Index(i);
            if (item.Key.Length == 0)
            {
                errors.Required(at.Child("key"));
            }

            RelativePath(item.Path, at.Child("path"), errors);

            Mode(item.Mode, at.Child("mode"), errors);
        }
    }

    private static void Mode(int? mode, FieldPath path, ValidationErrors errors)
    {
        if (mode is < 0 or > 0x1FF)
        {
            errors.Invalid(path, mode.Value, "must be a number between 0 and 0777 (octal), both inclusive");
        }
    }

    private static void Toleration(Toleration t, FieldPath path, ValidationErrors errors)
    {
        if (!string.IsNullOrEmpty(t.Key))
        {
            errors.InvalidEach(path.Child("key"), t.Key, KubeNames.ValidateQualifiedName(t.Key));
        }

        switch (t.Operator)
        {
            case null or "" or "Equal":
                if (string.IsNullOrEmpty(t.Key))
                {
                    errors.Invalid(path.Child("operator"), t.Operator ?? string.Empty, "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
                }

                if (!string.IsNullOrEmpty(t.Value))
                {
                    errors.InvalidEach(path.Child("value"), t.Value, KubeNames.ValidateLabelValue(t.Value));
                }

                break;
            case "Exists":
                if (!string.IsNullOrEmpty(t.Value))
                {
                    errors.Invalid(path.Child("operator"), t.Value, "value must be empty when `operator` is 'Exists'");
                }

                break;
            default:
                errors.NotSupported(path.Child("operator"), t.Operator, "Equal", "Exists");
                break;
        }

        if (!string.IsNullOrEmpty(t.Effect))
        {
            errors.OneOf(path.Child("effect"), t.Effect, TaintEffects);
        }

        if (t.TolerationSeconds is not null && t.Effect != TaintEffect.NoExecute)
        {
            errors.Invalid(path.Child("effect"), t.Effect ?? string.Empty, "effect must be 'NoExecute' when `tolerationSeconds` is set");
        }
    }

    /// <summary>The taints of a node: valid keys, supported effects, no key+effect twice.</summary>
    public static void Taints(IReadOnlyList<Taint> taints, FieldPath path, ValidationErrors errors)
    {
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < taints.Count; i++)
        {
            var t = taints[i];
            var at = path.Index(i);
            errors.InvalidEach(at.Child("key"), t.Key, KubeNames.ValidateQualifiedName(t.Key));
            if (!string.IsNullOrEmpty(t.Value))
            {
                errors.InvalidEach(at.Child("value"), t.Value, KubeNames.ValidateLabelValue(t.Value));
            }

            if (t.Effect.Length == 0)
            {
                errors.Required(at.Child("effect"));
            }
            else
            {
                errors.OneOf(at.Child("effect"), t.Effect, TaintEffects);
            }

            if (!seen.Add((t.Key, t.Effect)))
            {
                errors.Duplicate(at, $"{t.Key}:{t.Effect}");
            }
        }
    }
}
