using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;

namespace Containers.Orchestration.Tests.Api;

public sealed class ResourceRegistryTests
{
    private static readonly ResourceRegistry Registry = ResourceRegistry.Default;

    [TestCase("deploy")]
    [TestCase("deployment")]
    [TestCase("deployments")]
    [TestCase("Deployment")]
    [TestCase("deployments.apps")]
    public void Resolve_NamesAUserTypes_FindTheKind(string name) =>
        Assert.That(Registry.Resolve(name), Is.SameAs(Registry.Get<Deployment>()));

    [Test]
    public void Lookups_ByKindResourceAndType_Agree()
    {
        var deployments = Registry.Get<Deployment>();

        Assert.Multiple(() =>
        {
            Assert.That(Registry.Get("apps/v1", "Deployment"), Is.SameAs(deployments));
            Assert.That(Registry.FindResource("apps", "deployments"), Is.SameAs(deployments));
            Assert.That(Registry.FindResource(string.Empty, "pods"), Is.SameAs(Registry.Get<Pod>()));
            Assert.That(deployments.GroupResource, Is.EqualTo("deployments.apps"));
            Assert.That(deployments.ListKind, Is.EqualTo("DeploymentList"));
            Assert.That(Registry.Get<ClusterRole>().Namespaced, Is.False);
            Assert.That(Registry.Get<ClusterRole>().ApiVersion, Is.EqualTo("rbac.authorization.k8s.io/v1"));
            Assert.That(Registry.Resolve("hpa")!.ApiVersion, Is.EqualTo("autoscaling/v2"));
        });
    }

    [Test]
    public void Get_UnknownKind_NamesWhatIsServed()
    {
        var error = Assert.Throws<NotFoundException>(() => Registry.Get("apps/v1beta1", "Deployment"));

        Assert.That(error!.Message, Does.StartWith("no kind \"Deployment\" is registered for version \"apps/v1beta1\"").And.Contain("apps/v1/Deployment"));
    }
}
