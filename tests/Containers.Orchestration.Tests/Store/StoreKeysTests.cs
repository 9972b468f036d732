using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Store;

namespace Containers.Orchestration.Tests.Store;

public sealed class StoreKeysTests
{
    [Test]
    public void Keys_FollowTheApiServersEtcdLayout()
    {
        var registry = ResourceRegistry.Default;

        Assert.Multiple(() =>
        {
            Assert.That(StoreKeys.Key(registry.Get<Pod>(), new NamespacedName("default", "web-1")), Is.EqualTo("/registry/pods/default/web-1"));
            Assert.That(StoreKeys.Key(registry.Get<Node>(), new NamespacedName(null, "node-1")), Is.EqualTo("/registry/nodes/node-1"));
            Assert.That(StoreKeys.Key(registry.Get<Deployment>(), new NamespacedName("default", "web")), Is.EqualTo("/registry/apps/deployments/default/web"));
            Assert.That(StoreKeys.Key(registry.Get<ClusterRole>(), new NamespacedName(null, "system:discovery")), Is.EqualTo("/registry/rbac.authorization.k8s.io/clusterroles/system:discovery"));
            Assert.That(StoreKeys.Prefix(registry.Get<Pod>(), "default"), Is.EqualTo("/registry/pods/default/"));
            Assert.That(StoreKeys.Prefix(registry.Get<Pod>(), null), Is.EqualTo("/registry/pods/"));
            Assert.That(StoreKeys.Prefix(registry.Get<Node>(), "ignored"), Is.EqualTo("/registry/nodes/"));
            Assert.That(StoreKeys.Key(registry.Get<Pod>(), new NamespacedName("a", "b"), "/other"), Is.EqualTo("/other/pods/a/b"));
        });
    }
}
