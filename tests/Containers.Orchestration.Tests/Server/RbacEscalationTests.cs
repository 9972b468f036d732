using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Rbac;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests.Server;

/// <summary>
/// Kubernetes' privilege-escalation prevention: attempts to grant more than one holds are refused,
/// legitimate grants (held permissions, the escalate and bind verbs) go through.
/// </summary>
public sealed class RbacEscalationTests : ApiServerTest
{
    public enum Outcome
    {
        Allowed,
        Forbidden,
        NotFound,
    }

    private static readonly string[] Writers = ["bob", "carol", "dave", "erin"];

    [SetUp]
    public async Task SetUpPolicyAsync()
    {
        await CreateNamespaceAsync("dev");
        await CreateNamespaceAsync("prod");

        // Everyone here may write RBAC objects; what they may put in them is the question.
        await CreateAsync(new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "rbac-writer" },
            Rules = [new PolicyRule { ApiGroups = [RbacV1.Group], Resources = ["roles", "rolebindings", "clusterroles", "clusterrolebindings"], Verbs = ["create", "update", "patch"] }],
        });
        await CreateAsync(new ClusterRoleBinding
        {
            Metadata = new ObjectMeta { Name = "rbac-writers" },
            RoleRef = ClusterRoleRef("rbac-writer"),
            Subjects = [.. Writers.Select(UserSubject)],
        });

        // bob edits in dev.
        await Bind("bob-edit", "dev", ClusterRoleRef("edit"), "bob");

        // carol may escalate roles in dev.
        await CreateAsync(new Role
        {
            Metadata = new ObjectMeta { Name = "escalator", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = [RbacV1.Group], Resources = ["roles"], Verbs = ["escalate"] }],
        });
        await Bind("carol-escalates", "dev", RoleRef("escalator"), "carol");

        // dave may bind the admin ClusterRole in dev; erin may bind cluster-admin, but only in dev.
        await CreateAsync(new Role
        {
            Metadata = new ObjectMeta { Name = "admin-binder", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = [RbacV1.Group], Resources = ["clusterroles"], Verbs = ["bind"], ResourceNames = ["admin"] }],
        });
        await Bind("dave-binds-admin", "dev", RoleRef("admin-binder"), "dave");
        await CreateAsync(new Role
        {
            Metadata = new ObjectMeta { Name = "cluster-admin-binder", Namespace = "dev" },
            Rules = [new PolicyRule { ApiGroups = [RbacV1.Group], Resources = ["clusterroles"], Verbs = ["bind"], ResourceNames = ["cluster-admin"] }],
        });
        await Bind("erin-binds-cluster-admin", "dev", RoleRef("cluster-admin-binder"), "erin");
    }

    public static IEnumerable<TestCaseData> Attempts()
    {
        TestCaseData Case(string user, KubeObject obj, Outcome outcome, string why) =>
            new TestCaseData(user, obj, outcome).SetName($"{user}: {why} => {outcome}");

        var readPods = new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] };
        var deleteRoles = new PolicyRule { ApiGroups = [RbacV1.Group], Resources = ["roles"], Verbs = ["delete"] };
        var everything = new PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] };

        yield return Case("bob", NewRole("dev", readPods), Outcome.Allowed, "a Role in dev with permissions held in dev");
        yield return Case("bob", NewRole("dev", deleteRoles), Outcome.Forbidden, "a Role in dev granting what edit lacks");
        yield return Case("bob", NewRole("dev", new PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["*"] }), Outcome.Forbidden, "a Role in dev with every verb on pods");
        yield return Case("bob", NewRole("dev", new PolicyRule { ApiGroups = [""], Resources = ["pods/status"], Verbs = ["update"] }), Outcome.Forbidden, "a Role in dev on a subresource not held");
        yield return Case("bob", NewRole("prod", readPods), Outcome.Forbidden, "a Role in prod, where bob holds nothing");
        yield return Case("bob", NewClusterRole(readPods), Outcome.Forbidden, "a ClusterRole with permissions held only in dev");
        yield return Case("bob", new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "aggregate" },
            AggregationRule = new AggregationRule { ClusterRoleSelectors = [new LabelSelector()] },
        }, Outcome.Forbidden, "a ClusterRole with an aggregationRule");
        yield return Case("carol", NewRole("dev", everything), Outcome.Allowed, "any Role in dev with escalate there");
        yield return Case("carol", NewRole("prod", everything), Outcome.Forbidden, "a Role in prod with escalate only in dev");
        yield return Case("carol", NewClusterRole(everything), Outcome.Forbidden, "a ClusterRole with escalate only on roles in dev");

        yield return Case("bob", NewBinding("dev", ClusterRoleRef("view"), "mallory"), Outcome.Allowed, "binding view in dev, held through edit");
        yield return Case("bob", NewBinding("dev", ClusterRoleRef("admin"), "mallory"), Outcome.Forbidden, "binding admin in dev, more than edit");
        yield return Case("bob", NewBinding("prod", ClusterRoleRef("view"), "mallory"), Outcome.Forbidden, "binding view in prod, held only in dev");
        yield return Case("bob", NewClusterBinding(ClusterRoleRef("view"), "mallory"), Outcome.Forbidden, "binding view cluster-wide, held only in dev");
        yield return Case("bob", NewBinding("dev", RoleRef("missing"), "mallory"), Outcome.NotFound, "binding a Role that does not exist");
        yield return Case("dave", NewBinding("dev", ClusterRoleRef("admin"), "mallory"), Outcome.Allowed, "binding admin in dev with bind on it");
        yield return Case("dave", NewBinding("prod", ClusterRoleRef("admin"), "mallory"), Outcome.Forbidden, "binding admin in prod with bind only in dev");
        yield return Case("dave", NewBinding("dev", ClusterRoleRef("cluster-admin"), "mallory"), Outcome.Forbidden, "binding cluster-admin with bind only on admin");
        yield return Case("erin", NewBinding("dev", ClusterRoleRef("cluster-admin"), "erin"), Outcome.Allowed, "binding cluster-admin in dev with bind on it there");
        yield return Case("erin", NewClusterBinding(ClusterRoleRef("cluster-admin"), "erin"), Outcome.Forbidden, "binding cluster-admin cluster-wide with bind only in dev");
    }

    [TestCaseSource(nameof(Attempts))]
    public async Task Create(string user, KubeObject obj, Outcome outcome)
    {
        Outcome actual;
        try
        {
            await Server.CreateAsync(UserNamed(user), obj);
            actual = Outcome.Allowed;
        }
        catch (ForbiddenException)
        {
            actual = Outcome.Forbidden;
        }
        catch (NotFoundException)
        {
            actual = Outcome.NotFound;
        }

        Assert.That(actual, Is.EqualTo(outcome));
    }

    [Test]
    public void Refusal_ListsThePermissionsNotHeld()
    {
        var error = Assert.ThrowsAsync<ForbiddenException>(async () => await Server.CreateAsync(UserNamed("bob"), NewRole("dev", new PolicyRule
        {
            ApiGroups = [RbacV1.Group],
            Resources = ["roles", "rolebindings"],
            Verbs = ["create", "delete"],
        })));

        Assert.That(error!.Message, Is.EqualTo(
            "roles.rbac.authorization.k8s.io \"granted\" is forbidden: user \"bob\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n" +
            "{APIGroups:[\"rbac.authorization.k8s.io\"], Resources:[\"rolebindings\"], Verbs:[\"delete\"]}\n" +
            "{APIGroups:[\"rbac.authorization.k8s.io\"], Resources:[\"roles\"], Verbs:[\"delete\"]}"));
    }

    [Test]
    public async Task Update_AddingPermissionsNotHeld_IsForbidden_ButFinalizersOnlyPass()
    {
        var role = await CreateAsync(NewRole("dev", new PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["delete"] }));
        var bob = UserNamed("bob");

        Assert.ThrowsAsync<ForbiddenException>(async () => await Server.UpdateAsync(bob, role with { Metadata = role.Metadata with { Labels = new Dictionary<string, string> { ["a"] = "b" } } }));
        var finalized = await Server.UpdateAsync(bob, role with { Metadata = role.Metadata with { Finalizers = ["example.com/keep"] } });

        Assert.That(finalized.Metadata.Finalizers, Is.EqualTo(new[] { "example.com/keep" }));
    }

    [Test]
    public async Task Update_ChangingRoleRef_IsInvalid()
    {
        var binding = await CreateAsync(NewBinding("dev", ClusterRoleRef("view"), "mallory"));

        var error = Assert.ThrowsAsync<InvalidObjectException>(async () => await Server.UpdateAsync(Admin, binding with { RoleRef = ClusterRoleRef("edit") }));

        Assert.That(error!.Message, Does.Contain("roleRef: Invalid value").And.Contain("cannot change roleRef"));
    }

    [Test]
    public void WithoutCreateOnRoles_TheRequestIsRefusedBeforeAnyEscalationCheck()
    {
        var error = Assert.ThrowsAsync<ForbiddenException>(async () => await Server.CreateAsync(UserNamed("mallory"), NewRole("dev", new PolicyRule())));

        Assert.That(error!.Message, Is.EqualTo("roles.rbac.authorization.k8s.io is forbidden: User \"mallory\" cannot create resource \"roles\" in API group \"rbac.authorization.k8s.io\" in the namespace \"dev\""));
    }

    private static UserInfo UserNamed(string name) => new(name, [SystemGroups.Authenticated]);

    private static Role NewRole(string ns, params PolicyRule[] rules) => new()
    {
        Metadata = new ObjectMeta { Name = "granted", Namespace = ns },
        Rules = rules,
    };

    private static ClusterRole NewClusterRole(params PolicyRule[] rules) => new()
    {
        Metadata = new ObjectMeta { Name = "granted" },
        Rules = rules,
    };

    private static RoleBinding NewBinding(string ns, RoleRef roleRef, string user) => new()
    {
        Metadata = new ObjectMeta { Name = "granted", Namespace = ns },
        RoleRef = roleRef,
        Subjects = [UserSubject(user)],
    };

    private static ClusterRoleBinding NewClusterBinding(RoleRef roleRef, string user) => new()
    {
        Metadata = new ObjectMeta { Name = "granted" },
        RoleRef = roleRef,
        Subjects = [UserSubject(user)],
    };

    private Task<RoleBinding> Bind(string name, string ns, RoleRef roleRef, string user) =>
        CreateAsync(NewBinding(ns, roleRef, user) with { Metadata = new ObjectMeta { Name = name, Namespace = ns } });

    private static RoleRef RoleRef(string name) => new() { ApiGroup = RbacV1.Group, Kind = "Role", Name = name };

    private static RoleRef ClusterRoleRef(string name) => new() { ApiGroup = RbacV1.Group, Kind = "ClusterRole", Name = name };

    private static Subject UserSubject(string name) => new() { Kind = "User", ApiGroup = RbacV1.Group, Name = name };
}
