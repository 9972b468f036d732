using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Scheduling;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests.Validation;

/// <summary>
/// Pod fields the Kubernetes documentation's examples use that the model lacked: Windows options,
/// user namespaces, scheduling gates, pod-level resources, in-place resize policy, container restart
/// rules, supplementalGroupsPolicy, image volumes, emptyDir mode and env values from files.
/// </summary>
public sealed class PodSpecFieldsTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: newer-fields
        spec:
          hostUsers: false
          schedulingGates:
          - name: example.com/quota
          securityContext:
            supplementalGroups: [4000]
            supplementalGroupsPolicy: Strict
            windowsOptions:
              runAsUserName: ContainerUser
          resources:
            requests: {cpu: "1", memory: 200Mi}
            limits: {cpu: "2", memory: 400Mi}
          initContainers:
          - name: setup
            image: busybox
            command: ["sh", "-c", "echo \"DB=\'db\'\" > /env/app.env"]
            volumeMounts: [{name: env, mountPath: /env}]
          - name: watcher
            image: busybox
            restartPolicy: Always
            restartPolicyRules:
            - action: RestartAllContainers
              exitCodes: {operator: In, values: [88]}
          containers:
          - name: app
            image: nginx:1.29
            resources:
              requests: {cpu: 500m}
              limits: {cpu: "1"}
            resizePolicy:
            - {resourceName: cpu, restartPolicy: NotRequired}
            - {resourceName: memory, restartPolicy: RestartContainer}
            securityContext:
              windowsOptions: {runAsUserName: ContainerAdministrator, hostProcess: false}
            env:
            - name: DB
              valueFrom:
                fileKeyRef: {volumeName: env, path: app.env, key: DB, optional: false}
            volumeMounts:
            - {name: artifact, mountPath: /artifact, subPath: dir}
          volumes:
          - name: env
            emptyDir:
              mode: 01777
          - name: artifact
            image:
              reference: quay.io/crio/artifact:v2
        """;

    private static Pod Decode() => (Pod)KubeYaml.Deserialize(Manifest).Single();

    private static string[] Errors(Pod pod) => [.. KubeValidation.Validate(KubeDefaults.Apply(pod)).Select(e => e.ToString())];

    [Test]
    public void NewerPodFields_DecodeStrictly_DefaultValidate_AndRoundTrip()
    {
        var pod = Decode();
        var defaulted = (Pod)KubeDefaults.Apply(pod);

        Assert.That(KubeValidation.Validate(defaulted), Is.Empty);
        Assert.That(pod.Spec.HostUsers, Is.False);
        Assert.That(pod.Spec.SchedulingGates.Single().Name, Is.EqualTo("example.com/quota"));
        Assert.That(pod.Spec.SecurityContext!.SupplementalGroupsPolicy, Is.EqualTo("Strict"));
        Assert.That(pod.Spec.SecurityContext.WindowsOptions!.RunAsUserName, Is.EqualTo("ContainerUser"));
        Assert.That(pod.Spec.Resources!.Limits[ResourceNames.Memory], Is.EqualTo(Quantity.Parse("400Mi")));
        Assert.That(pod.Spec.InitContainers[1].RestartPolicyRules.Single().ExitCodes!.Values, Is.EqualTo(new[] { 88 }));
        Assert.That(pod.Spec.Containers[0].ResizePolicy.Select(p => p.RestartPolicy), Is.EqualTo(new[] { "NotRequired", "RestartContainer" }));
        Assert.That(pod.Spec.Containers[0].SecurityContext!.WindowsOptions!.HostProcess, Is.False);
        Assert.That(pod.Spec.Containers[0].Env.Single().ValueFrom!.FileKeyRef!.Path, Is.EqualTo("app.env"));
        Assert.That(pod.Spec.InitContainers[0].Command[2], Is.EqualTo("echo \"DB='db'\" > /env/app.env"), "\\' reads as ' in double quotes, as kubectl reads it");
        Assert.That(pod.Spec.Volumes[0].EmptyDir!.Mode, Is.EqualTo(0x3FF), "01777 is octal in Kubernetes' YAML");
        Assert.That(defaulted.Spec.Volumes[1].Image!.PullPolicy, Is.EqualTo(PullPolicy.IfNotPresent), "defaulted from the tag, as a container's");
        var stored = KubeJson.Deserialize(KubeJson.SerializeToUtf8Bytes(defaulted), strict: true);
        Assert.That(KubeJson.SemanticEquals(stored, defaulted), Is.True);
    }

    [Test]
    public void NewerPodFields_AreValidatedAsKubernetesDoes()
    {
        var pod = Decode();
        var app = pod.Spec.Containers[0];
        var watcher = pod.Spec.InitContainers[1];
        var bad = pod with
        {
            Spec = pod.Spec with
            {
                HostNetwork = true,
                SchedulingGates = [new PodSchedulingGate { Name = "example.com/quota" }, new PodSchedulingGate { Name = "example.com/quota" }, new PodSchedulingGate { Name = "-bad-" }],
                SecurityContext = pod.Spec.SecurityContext! with { SupplementalGroupsPolicy = "Loose" },
                Resources = new ResourceRequirements
                {
                    Requests = new Dictionary<string, Quantity> { [ResourceNames.Cpu] = Quantity.Parse("250m") },
                    Limits = new Dictionary<string, Quantity> { [ResourceNames.Cpu] = Quantity.Parse("750m"), ["pids"] = Quantity.Parse("100") },
                },
                InitContainers = [pod.Spec.InitContainers[0], watcher with
                {
                    RestartPolicy = null,
                    RestartPolicyRules = [new ContainerRestartRule { Action = "Ignore", ExitCodes = new ContainerRestartRuleOnExitCodes { Operator = "Above", Values = [300] } }],
                }],
                Containers = [app with
                {
                    ResizePolicy = [new ContainerResizePolicy { ResourceName = "cpu", RestartPolicy = "Later" }, new ContainerResizePolicy { ResourceName = "cpu", RestartPolicy = "NotRequired" }],
                    Env = [app.Env[0] with { ValueFrom = app.Env[0].ValueFrom! with { FileKeyRef = app.Env[0].ValueFrom!.FileKeyRef! with { VolumeName = "missing", Path = "../app.env" } } }],
                }],
                Volumes = [pod.Spec.Volumes[0] with { EmptyDir = new EmptyDirVolumeSource { Mode = 0x1000 } }, pod.Spec.Volumes[1] with { Image = new ImageVolumeSource() }],
            },
        };

        Assert.That(Errors(bad), Is.EquivalentTo(new[]
        {
            "spec.hostNetwork: Forbidden: when `hostUsers` is false",
            "spec.schedulingGates[1].name: Duplicate value: \"example.com/quota\"",
            "spec.schedulingGates[2].name: Invalid value: \"-bad-\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "spec.securityContext.supplementalGroupsPolicy: Unsupported value: \"Loose\": supported values: \"Merge\", \"Strict\"",
            "spec.resources.limits[pids]: Unsupported value: \"pids\": supported values: \"cpu\", \"hugepages-*\", \"memory\"",
            "spec.resources.requests[cpu]: Invalid value: \"250m\": must be greater than or equal to aggregate container requests of 500m",
            "spec.containers[0].resources.limits[cpu]: Invalid value: \"1\": must be less than or equal to pod limits of 750m",
            "spec.initContainers[1].restartPolicy: Required value: must specify restartPolicy when restart rules are used",
            "spec.initContainers[1].restartPolicyRules[0].action: Unsupported value: \"Ignore\": supported values: \"Restart\", \"RestartAllContainers\"",
            "spec.initContainers[1].restartPolicyRules[0].exitCodes.operator: Unsupported value: \"Above\": supported values: \"In\", \"NotIn\"",
            "spec.initContainers[1].restartPolicyRules[0].exitCodes.values[0]: Invalid value: 300: must be between 0 and 255, inclusive",
            "spec.containers[0].resizePolicy[0].restartPolicy: Unsupported value: \"Later\": supported values: \"NotRequired\", \"RestartContainer\"",
            "spec.containers[0].resizePolicy[1].resourceName: Duplicate value: \"cpu\"",
            "spec.containers[0].env[0].valueFrom.fileKeyRef.volumeName: Not found: \"missing\"",
            "spec.containers[0].env[0].valueFrom.fileKeyRef.path: Invalid value: \"../app.env\": must be a relative path without '..'",
            "spec.volumes[0].emptyDir.mode: Invalid value: 4096: must be a number between 0 and 01777 (octal), both inclusive",
            "spec.volumes[1].image.reference: Required value",
        }));
    }

    [Test]
    public void ContainerRequests_AddSidecarsToTheApp_AndTakeTheLargestInitStep()
    {
        static Container With(string name, string cpu, string? restartPolicy = null) => new()
        {
            Name = name,
            Image = "busybox",
            RestartPolicy = restartPolicy,
            Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { [ResourceNames.Cpu] = Quantity.Parse(cpu) } },
        };

        var spec = new PodSpec
        {
            InitContainers = [With("sidecar", "500m", RestartPolicy.Always), With("migrate", "3")],
            Containers = [With("a", "1"), With("b", "1")],
        };

        // The migration runs beside the sidecar (3.5); afterwards the app and the sidecar run (2.5).
        Assert.That(PodResources.ContainerRequests(spec)[ResourceNames.Cpu], Is.EqualTo(Quantity.Parse("3500m")));
    }

    [Test]
    public void PodLevelResources_SetTheSchedulingRequest_AndTheQosClass()
    {
        var pod = Decode();

        Assert.That(ResourceRequest.Of(pod), Is.EqualTo(new ResourceRequest(1000, 200L * 1024 * 1024, 0, 1)));
        Assert.That(PodQos.Of(pod), Is.EqualTo(PodQos.Burstable));
        var guaranteed = pod with { Spec = pod.Spec with { Resources = new ResourceRequirements { Requests = pod.Spec.Resources!.Limits, Limits = pod.Spec.Resources.Limits } } };
        Assert.That(PodQos.Of(guaranteed), Is.EqualTo(PodQos.Guaranteed), "the pod-level budget decides, though the app container is burstable");
    }

    [Test]
    public void Update_SchedulingGates_MayOnlyBeRemoved()
    {
        var pod = Decode();
        var removed = pod with { Spec = pod.Spec with { SchedulingGates = [] } };
        var added = pod with { Spec = pod.Spec with { SchedulingGates = [.. pod.Spec.SchedulingGates, new PodSchedulingGate { Name = "example.com/later" }] } };

        Assert.That(KubeValidation.ValidateUpdate(pod, removed), Is.Empty);
        Assert.That(
            KubeValidation.ValidateUpdate(pod, added).Select(e => e.ToString()),
            Is.EqualTo(new[] { "spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/later'" }));
    }
}
