using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;

namespace Containers.Orchestration.Tests.Server;

/// <summary>RBAC authorization as Kubernetes decides it, request by request.</summary>
public sealed class RbacAuthorizerTests : ApiServerTest
{
    private static readonly UserInfo Alice = new("alice", [SystemGroups.Authenticated]);
    private static readonly UserInfo Bob = new("bob", ["dev-team", SystemGroups.Authenticated]);
    private static readonly UserInfo Robot = UserInfo.ForServiceAccount("dev", "robot");

    [SetUp]
    public async Task SetUpPolicyAsync()
    {
        await CreateNamespaceAsync("dev");
        await CreateNamespaceAsync("prod");
        await CreateAsync(new Role
        {
            Metadata = new ObjectMeta { Name = "pod-reader", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list", "watch"] }],
        });
        await Bind("alice-reads-pods", "dev", "Role", "pod-reader", User("alice"));

        await CreateAsync(new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "secret-reader" },
            Rules = [new PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get"], ResourceNames = ["db-password"] }],
        });
        await Bind("dev-team-secret", "dev", "ClusterRole", "secret-reader", new Subject { Kind = "Group", ApiGroup = RbacV1.Group, Name = "dev-team" });

        await CreateAsync(new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "status-writer" },
            Rules = [new PolicyRule { ApiGroups = ["apps"], Resources = ["*/status"], Verbs = ["update", "patch"] }],
        });
        await Bind("robot-status", "dev", "ClusterRole", "status-writer", new Subject { Kind = "ServiceAccount", Name = "robot" });

        await CreateAsync(new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "node-viewer" },
            Rules =
            [
                new PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["get", "list"] },
                new PolicyRule { NonResourceURLs = ["/metrics", "/logs/*"], Verbs = ["get"] },
            ],
        });
        await CreateAsync(new ClusterRoleBinding
        {
            Metadata = new ObjectMeta { Name = "bob-nodes" },
            RoleRef = new RoleRef { ApiGroup = RbacV1.Group, Kind = "ClusterRole", Name = "node-viewer" },
            Subjects = [User("bob")],
        });
    }

    public static IEnumerable<TestCaseData> Requests()
    {
        TestCaseData Case(UserInfo user, string verb, string group, string resource, string ns, bool allowed, string name = "", string subresource = "") =>
            new TestCaseData(user, verb, group, resource, subresource, ns, name, allowed)
                .SetName($"{user.Name} {verb} {group}/{resource}{(subresource.Length > 0 ? "/" + subresource : string.Empty)} {name} in '{ns}' => {(allowed ? "allowed" : "denied")}");

        // A Role grants in its namespace only, and only what it lists.
        yield return Case(Alice, "get", "", "pods", "dev", true, "web");
        yield return Case(Alice, "list", "", "pods", "dev", true);
        yield return Case(Alice, "list", "", "pods", "prod", false);
        yield return Case(Alice, "list", "", "pods", "", false);
        yield return Case(Alice, "delete", "", "pods", "dev", false, "web");
        yield return Case(Alice, "get", "", "pods", "dev", false, "web", "status");
        yield return Case(Alice, "get", "apps", "pods", "dev", false, "web");
        yield return Case(Alice, "get", "", "secrets", "dev", false, "db-password");

        // A ClusterRole bound by a RoleBinding: in that namespace only; resourceNames limit it.
        yield return Case(Bob, "get", "", "secrets", "dev", true, "db-password");
        yield return Case(Bob, "get", "", "secrets", "dev", false, "other");
        yield return Case(Bob, "list", "", "secrets", "dev", false);
        yield return Case(Bob, "get", "", "secrets", "prod", false, "db-password");

        // A ClusterRoleBinding: everywhere.
        yield return Case(Bob, "list", "", "nodes", "", true);
        yield return Case(Bob, "get", "", "nodes", "", true, "node-1");
        yield return Case(Bob, "delete", "", "nodes", "", false, "node-1");

        // */status reaches every resource's status, and nothing else.
        yield return Case(Robot, "update", "apps", "deployments", "dev", true, "web", "status");
        yield return Case(Robot, "update", "apps", "deployments", "dev", false, "web");
        yield return Case(Robot, "update", "apps", "deployments", "prod", false, "web", "status");
        yield return Case(UserInfo.ForServiceAccount("prod", "robot"), "update", "apps", "deployments", "dev", false, "web", "status");

        // system:masters holds everything.
        yield return Case(new UserInfo("root", [SystemGroups.Masters]), "delete", "", "nodes", "", true, "node-1");

        // Deny by default.
        yield return Case(new UserInfo("mallory"), "get", "", "pods", "dev", false, "web");
    }

    [TestCaseSource(nameof(Requests))]
    public async Task Authorize(UserInfo user, string verb, string group, string resource, string subresource, string ns, string name, bool allowed)
    {
        var decision = await Server.Authorizer.AuthorizeAsync(new AuthorizationAttributes(user, verb)
        {
            ApiGroup = group,
            Resource = resource,
            Subresource = subresource,
            Namespace = ns,
            Name = name,
        });

        Assert.That(decision.Allowed, Is.EqualTo(allowed), decision.Reason);
    }

    [TestCase("/metrics", true)]
    [TestCase("/logs/kubelet", true)]
    [TestCase("/logs", false)]
    [TestCase("/version", true)]
    [TestCase("/api", true)]
    [TestCase("/apis/apps/v1", true)]
    [TestCase("/debug/pprof", false)]
    public async Task Authorize_NonResourceUrl(string path, bool allowed)
    {
        var decision = await Server.Authorizer.AuthorizeAsync(AuthorizationAttributes.ForPath(Bob, "get", path));

        Assert.That(decision.Allowed, Is.EqualTo(allowed));
    }

    [Test]
    public void Denied_Request_IsForbiddenInKubernetesWords()
    {
        var error = Assert.ThrowsAsync<ForbiddenException>(async () => await Server.ListAsync(Alice, TypeOf<Pod>(), "prod"));

        Assert.That(error!.Message, Is.EqualTo("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"prod\""));
    }

    [Test]
    public void Denied_NamedClusterScopedRequest_SaysClusterScope()
    {
        var error = Assert.ThrowsAsync<ForbiddenException>(async () => await Server.DeleteAsync(Alice, TypeOf<Node>(), new NamespacedName(null, "node-1")));

        Assert.That(error!.Message, Is.EqualTo("nodes \"node-1\" is forbidden: User \"alice\" cannot delete resource \"nodes\" in API group \"\" at the cluster scope"));
    }

    [Test]
    public async Task Allowed_Request_Proceeds()
    {
        await CreateAsync(NewPod("web", "dev"));

        var pod = await Server.GetAsync(Alice, TypeOf<Pod>(), new NamespacedName("dev", "web"));

        Assert.That(pod.Name, Is.EqualTo("web"));
    }

    [Test]
    public async Task BindingToMissingRole_GrantsNothing_OtherBindingsStillCount()
    {
        await Bind("dangling", "dev", "Role", "no-such-role", User("alice"));

        var decision = await Server.Authorizer.AuthorizeAsync(AuthorizationAttributes.ForResource(Alice, "list", TypeOf<Pod>(), "dev"));

        Assert.That(decision.Allowed, Is.True);
    }

    private Task<RoleBinding> Bind(string name, string ns, string kind, string role, params Subject[] subjects) =>
        CreateAsync(new RoleBinding
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            RoleRef = new RoleRef { ApiGroup = RbacV1.Group, Kind = kind, Name = role },
            Subjects = subjects,
        });

    private static Subject User(string name) => new() { Kind = "User", ApiGroup = RbacV1.Group, Name = name };
}
