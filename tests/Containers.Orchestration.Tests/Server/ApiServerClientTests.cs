using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server;

namespace Containers.Orchestration.Tests.Server;

/// <summary>The controllers' client in process: the API server's rules, as one user.</summary>
public sealed class ApiServerClientTests : ApiServerTest
{
    [Test]
    public async Task Get_Missing_IsNull()
    {
        var client = new ApiServerClient(Server, Admin);

        Assert.That(await client.GetAsync(TypeOf<Pod>(), new NamespacedName("default", "ghost")), Is.Null);
    }

    [Test]
    public async Task Create_GoesThroughDefaultingAndAdmission()
    {
        var client = new ApiServerClient(Server, Admin);

        var pod = await client.CreateAsync(NewPod("web"));

        Assert.That(pod.Spec.RestartPolicy, Is.EqualTo("Always"));
        Assert.That(pod.Spec.ServiceAccountName, Is.EqualTo("default"));
    }

    [Test]
    public async Task Bind_SetsTheNodeOnce()
    {
        var client = new ApiServerClient(Server, Admin);
        var pod = await client.CreateAsync(NewPod("web"));

        await client.BindAsync(pod.Key, pod.Metadata.Uid!, "node-1");
        var bound = (Pod?)await client.GetAsync(TypeOf<Pod>(), pod.Key);

        Assert.That(bound!.Spec.NodeName, Is.EqualTo("node-1"));
        Assert.That(Conditions.IsTrue(bound.Status.Conditions, PodConditionType.PodScheduled), Is.True);
        Assert.ThrowsAsync<ConflictException>(async () => await client.BindAsync(pod.Key, pod.Metadata.Uid!, "node-2"));
    }

    [Test]
    public void Bind_WithoutRights_IsForbidden()
    {
        var client = new ApiServerClient(Server, new Containers.Orchestration.Server.Authentication.UserInfo("scheduler-impostor"));

        Assert.ThrowsAsync<ForbiddenException>(async () => await client.BindAsync(new NamespacedName("default", "web"), "uid", "node-1"));
    }
}
