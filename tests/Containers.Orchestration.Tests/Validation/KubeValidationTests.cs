using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Batch;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests.Validation;

public sealed class KubeValidationTests
{
    private const string ValidDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports:
                - containerPort: 80
                  name: http
        """;

    private static Deployment Web() => (Deployment)KubeYaml.Deserialize(ValidDeployment).Single();

    private static string[] Errors(KubeObject obj) => [.. KubeValidation.Validate(obj).Select(e => e.ToString())];

    private static Deployment WithContainer(Deployment d, Func<Container, Container> change) =>
        d with { Spec = d.Spec with { Template = d.Spec.Template with { Spec = d.Spec.Template.Spec with { Containers = [change(d.Spec.Template.Spec.Containers[0])] } } } };

    [Test]
    public void ValidDeployment_HasNoErrors() => Assert.That(Errors(Web()), Is.Empty);

    [Test]
    public void MissingImage_IsRequiredValue_AtItsPath() =>
        Assert.That(Errors(WithContainer(Web(), c => c with { Image = null })), Is.EqualTo(new[] { "spec.template.spec.containers[0].image: Required value" }));

    [Test]
    public void ThrowIfInvalid_SaysKubernetesSentence()
    {
        var error = Assert.Throws<InvalidObjectException>(() => KubeValidation.ThrowIfInvalid(WithContainer(Web(), c => c with { Image = null })));

        Assert.That(error!.Message, Is.EqualTo("Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value"));
        Assert.That(error.Errors.Single().Reason, Is.EqualTo("FieldValueRequired"));
    }

    [Test]
    public void BadName_IsInvalidValue_WithTheRule() =>
        Assert.That(Errors(Web() with { Metadata = Web().Metadata with { Name = "Web_1" } }), Has.Exactly(1).StartsWith("metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of"));

    [Test]
    public void SelectorNotMatchingTemplate_IsInvalid()
    {
        var d = Web();
        var other = d with { Spec = d.Spec with { Selector = LabelSelector.Parse("app=other") } };

        Assert.That(Errors(other), Is.EqualTo(new[] { "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`" }));
    }

    [Test]
    public void MissingSelector_IsRequired()
    {
        var d = Web();

        Assert.That(Errors(d with { Spec = d.Spec with { Selector = null } }), Is.EqualTo(new[] { "spec.selector: Required value" }));
    }

    [Test]
    public void DuplicateContainerNames_AreDuplicateValue()
    {
        var d = Web();
        var twice = d with { Spec = d.Spec with { Template = d.Spec.Template with { Spec = d.Spec.Template.Spec with { Containers = [d.Spec.Template.Spec.Containers[0], d.Spec.Template.Spec.Containers[0]] } } } };

        Assert.That(Errors(twice), Is.EqualTo(new[] { "spec.template.spec.containers[1].name: Duplicate value: \"web\"" }));
    }

    [Test]
    public void UnsupportedPolicies_ListTheSupportedValues()
    {
        var d = WithContainer(Web(), c => c with { ImagePullPolicy = "Sometimes" });

        Assert.That(Errors(d), Is.EqualTo(new[] { "spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"" }));
    }

    [Test]
    public void DeploymentTemplate_MustRestartAlways()
    {
        var d = Web();
        var onFailure = d with { Spec = d.Spec with { Template = d.Spec.Template with { Spec = d.Spec.Template.Spec with { RestartPolicy = RestartPolicy.OnFailure } } } };

        Assert.That(Errors(onFailure), Is.EqualTo(new[] { "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"" }));
    }

    [Test]
    public void NegativeReplicasAndBadPorts_AreInvalidValues()
    {
        var d = WithContainer(Web(), c => c with { Ports = [new ContainerPortSpec { ContainerPort = 70000, Name = "this-name-is-too-long" }] });
        d = d with { Spec = d.Spec with { Replicas = -1 } };

        Assert.That(Errors(d), Is.EquivalentTo(new[]
        {
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.template.spec.containers[0].ports[0].name: Invalid value: \"this-name-is-too-long\": must be no more than 15 characters",
        }));
    }

    [Test]
    public void RequestAboveLimit_IsInvalid()
    {
        var d = WithContainer(Web(), c => c with
        {
            Resources = new ResourceRequirements
            {
                Requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("2") },
                Limits = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("1500m") },
            },
        });

        Assert.That(Errors(d), Is.EqualTo(new[] { "spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or equal to cpu limit of 1500m" }));
    }

    [Test]
    public void VolumeMountOfUnknownVolume_IsNotFound() =>
        Assert.That(
            Errors(WithContainer(Web(), c => c with { VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }] })),
            Is.EqualTo(new[] { "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"data\"" }));

    [Test]
    public void RollingUpdate_BothBoundsZero_IsInvalid()
    {
        var d = Web();
        var stuck = d with { Spec = d.Spec with { Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = "0%" } } } };

        Assert.That(Errors(stuck), Is.EqualTo(new[] { "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0" }));
    }

    [Test]
    public void JobTemplate_MustNotRestartAlways()
    {
        var job = new Job
        {
            Metadata = new ObjectMeta { Name = "pi", Namespace = "default" },
            Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { Containers = [new Container { Name = "pi", Image = "perl" }] } } },
        };

        Assert.That(Errors(job), Is.EqualTo(new[] { "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"Never\", \"OnFailure\"" }));
    }

    [TestCase("*/5 * * * *", true)]
    [TestCase("@hourly", true)]
    [TestCase("0 0 * * MON-FRI", true)]
    [TestCase("every minute", false)]
    [TestCase("* * * *", false)]
    [TestCase("TZ=UTC * * * * *", false)]
    public void CronJobSchedule_IsChecked(string schedule, bool valid)
    {
        var cj = new CronJob
        {
            Metadata = new ObjectMeta { Name = "hello", Namespace = "default" },
            Spec = new CronJobSpec
            {
                Schedule = schedule,
                JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = "OnFailure", Containers = [new Container { Name = "c", Image = "busybox" }] } } } },
            },
        };

        Assert.That(Errors(cj), valid ? Is.Empty : Has.Exactly(1).StartsWith("spec.schedule: Invalid value:"));
    }

    [Test]
    public void Service_MultiplePortsNeedNames_AndClusterIPIsChecked()
    {
        var svc = new Service
        {
            Metadata = new ObjectMeta { Name = "api", Namespace = "default" },
            Spec = new ServiceSpec { ClusterIP = "not-an-ip", Ports = [new ServicePort { Port = 80 }, new ServicePort { Port = 443 }] },
        };

        Assert.That(Errors(svc), Is.EquivalentTo(new[]
        {
            "spec.clusterIP: Invalid value: \"not-an-ip\": must be empty, 'None', or a valid IP address",
            "spec.ports[0].name: Required value",
            "spec.ports[1].name: Required value",
        }));
    }

    [Test]
    public void ServiceName_IsADns1035Label() =>
        Assert.That(Errors(new Service { Metadata = new ObjectMeta { Name = "1api", Namespace = "default" }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] } }), Has.Exactly(1).Contains("DNS-1035"));

    [Test]
    public void RoleBinding_RoleRefAndSubjects_AreChecked()
    {
        var binding = new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "b", Namespace = "default" },
            RoleRef = new RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Deployment", Name = "x" },
            Subjects = [new Subject { Kind = "User", Name = "jane" }],
        };

        Assert.That(Errors(binding), Is.EquivalentTo(new[]
        {
            "roleRef.kind: Unsupported value: \"Deployment\": supported values: \"ClusterRole\", \"Role\"",
            "subjects[0].apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"",
        }));
        Assert.That(Errors(KubeDefaults.Apply(binding)), Has.Length.EqualTo(1), "defaulting gives users their API group");
    }

    [Test]
    public void Role_CannotNameNonResourceUrls()
    {
        var role = new Role
        {
            Metadata = new ObjectMeta { Name = "r", Namespace = "default" },
            Rules = [new PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz"] }, new PolicyRule { ApiGroups = [""], Resources = ["pods"] }],
        };

        Assert.That(Errors(role), Is.EquivalentTo(new[]
        {
            "rules[0].nonResourceURLs: Invalid value: \"/healthz\": namespaced rules cannot apply to non-resource URLs",
            "rules[1].verbs: Required value: verbs must contain at least one value",
        }));
    }

    [Test]
    public void Update_ChangingASelector_IsImmutable()
    {
        var old = Web();
        var changed = old with
        {
            Spec = old.Spec with
            {
                Selector = LabelSelector.Parse("app=web,tier=front"),
                Template = old.Spec.Template with { Metadata = old.Spec.Template.Metadata with { Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" } } },
            },
        };

        Assert.That(KubeValidation.ValidateUpdate(old, changed).Select(e => e.ToString()), Is.EqualTo(new[] { "spec.selector: Invalid value: \"app=web,tier=front\": field is immutable" }));
        Assert.That(KubeValidation.ValidateUpdate(old, old with { Spec = old.Spec with { Replicas = 5 } }), Is.Empty);
    }

    [Test]
    public void Update_RoleRef_CannotChange()
    {
        var binding = KubeDefaults.Apply(new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "b", Namespace = "default" },
            RoleRef = new RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "reader" },
        });

        var changed = binding with { RoleRef = binding.RoleRef with { Name = "admin" } };

        Assert.That(KubeValidation.ValidateUpdate(binding, changed).Select(e => e.ToString()), Is.EqualTo(new[] { "roleRef: Invalid value: \"Role/admin\": cannot change roleRef" }));
    }

    [Test]
    public void Update_PodSpec_OnlyImagesAndBindingMayChange()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "nginx:1" }] },
        };

        var newImage = pod with { Spec = pod.Spec with { Containers = [pod.Spec.Containers[0] with { Image = "nginx:2" }], NodeName = "node-1" } };
        var newCommand = pod with { Spec = pod.Spec with { Containers = [pod.Spec.Containers[0] with { Command = ["sh"] }] } };

        Assert.That(KubeValidation.ValidateUpdate(pod, newImage), Is.Empty);
        Assert.That(KubeValidation.ValidateUpdate(pod, newCommand).Single().ToString(), Does.StartWith("spec: Forbidden: pod updates may not change fields"));
    }
}
