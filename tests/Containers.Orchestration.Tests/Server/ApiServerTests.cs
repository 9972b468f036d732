using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server;
using Containers.Orchestration.Store;
using Containers.Orchestration.Validation;

namespace Containers.Orchestration.Tests.Server;

/// <summary>The API server's object semantics: identity, generation, status, conflicts, errors.</summary>
public sealed class ApiServerTests : ApiServerTest
{
    [Test]
    public async Task Start_MakesSystemNamespacesWithDefaultServiceAccounts()
    {
        foreach (var name in ApiServer.SystemNamespaces)
        {
            var ns = await FindAsync<Namespace>(null, name);
            Assert.That(ns?.Status.Phase, Is.EqualTo("Active"), name);
            Assert.That(await FindAsync<ServiceAccount>(name, "default"), Is.Not.Null, name);
        }
    }

    [Test]
    public async Task Create_AssignsIdentity_GenerationOne_AndResetsStatus()
    {
        var rs = NewReplicaSet("web") with { Status = new ReplicaSetStatus { Replicas = 7 } };
        rs = rs with { Metadata = rs.Metadata with { Uid = "chosen-by-client", Generation = 9, ResourceVersion = "42" } };

        var created = await CreateAsync(rs);

        Assert.Multiple(() =>
        {
            Assert.That(created.Metadata.Uid, Is.Not.Null.And.Not.EqualTo("chosen-by-client"));
            Assert.That(created.Metadata.Generation, Is.EqualTo(1));
            Assert.That(created.Metadata.CreationTimestamp, Is.EqualTo(Time.GetUtcNow()));
            Assert.That(created.Metadata.ResourceVersion, Is.Not.EqualTo("42"));
            Assert.That(created.Status.Replicas, Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Create_Pod_StartsPendingWithQosClass()
    {
        var pod = await CreateAsync(NewPod("web"));

        Assert.That(pod.Status.Phase, Is.EqualTo("Pending"));
        Assert.That(pod.Status.QosClass, Is.EqualTo("BestEffort"));
        Assert.That(pod.Status.Conditions, Is.Empty);
    }

    [Test]
    public async Task Create_GatedPod_IsMarkedSchedulingGated()
    {
        var pod = NewPod("gated");
        pod = await CreateAsync(pod with { Spec = pod.Spec with { SchedulingGates = [new PodSchedulingGate { Name = "example.com/quota" }] } });

        var scheduled = pod.Status.Conditions.Single();
        Assert.That(
            (scheduled.Type, scheduled.Status, scheduled.Reason, scheduled.Message),
            Is.EqualTo((PodConditionType.PodScheduled, ConditionStatus.False, "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates")));
    }

    [Test]
    public async Task Create_GenerateName_MakesUniqueNamesFromThePrefix()
    {
        var template = new ConfigMap { Metadata = new ObjectMeta { GenerateName = "settings-", Namespace = "default" } };

        var first = await CreateAsync(template);
        var second = await CreateAsync(template);

        Assert.That(first.Name, Does.Match("^settings-[bcdfghjklmnpqrstvwxz2456789]{5}$"));
        Assert.That(second.Name, Is.Not.EqualTo(first.Name));
    }

    [Test]
    public async Task Create_Twice_IsAlreadyExistsInKubernetesWords()
    {
        await CreateAsync(NewPod("web"));

        var error = Assert.ThrowsAsync<AlreadyExistsException>(() => CreateAsync(NewPod("web")));

        Assert.That(error!.Message, Is.EqualTo("pods \"web\" already exists"));
    }

    [Test]
    public void Create_InMissingNamespace_IsNotFound()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(() => CreateAsync(NewPod("web", "nowhere")));

        Assert.That(error!.Message, Is.EqualTo("namespaces \"nowhere\" not found"));
    }

    [Test]
    public void Create_InvalidName_IsInvalidWithTheFieldCause()
    {
        var error = Assert.ThrowsAsync<InvalidObjectException>(() => CreateAsync(NewPod("Web_1")));

        Assert.That(error!.Errors.Select(c => c.Field), Is.EqualTo(new[] { "metadata.name" }));
        Assert.That(error.Message, Does.StartWith("Pod \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"));
    }

    [Test]
    public void Create_NamespacedKindWithoutNamespace_IsInvalid()
    {
        var error = Assert.ThrowsAsync<InvalidObjectException>(() => CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c" } }));

        Assert.That(error!.Errors[0].Field, Is.EqualTo("metadata.namespace"));
    }

    [Test]
    public async Task Create_DryRun_StoresNothing()
    {
        var result = await Server.CreateAsync(Admin, NewPod("web"), new WriteOptions { DryRun = true });

        Assert.That(result.Name, Is.EqualTo("web"));
        Assert.That(await FindAsync<Pod>("default", "web"), Is.Null);
    }

    [Test]
    public async Task Create_Pod_GetsDefaultServiceAccountAndNotReadyTolerations()
    {
        var pod = await CreateAsync(NewPod("web"));

        Assert.That(pod.Spec.ServiceAccountName, Is.EqualTo("default"));
        Assert.That(pod.Spec.Tolerations.Select(t => (t.Key, t.Effect, t.TolerationSeconds)), Is.EquivalentTo(new[]
        {
            ("node.kubernetes.io/not-ready", "NoExecute", (long?)300),
            ("node.kubernetes.io/unreachable", "NoExecute", (long?)300),
        }));
    }

    [Test]
    public void Create_Pod_WithMissingServiceAccount_IsForbidden()
    {
        var pod = NewPod("web") with { Spec = NewPod("web").Spec with { ServiceAccountName = "robot" } };

        var error = Assert.ThrowsAsync<ForbiddenException>(() => CreateAsync(pod));

        Assert.That(error!.Message, Is.EqualTo("pods \"web\" is forbidden: error looking up service account default/robot: serviceaccount \"robot\" not found"));
    }

    [Test]
    public async Task Update_SpecChange_BumpsGeneration()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var updated = (ReplicaSet)await Server.UpdateAsync(Admin, rs with { Spec = rs.Spec with { Replicas = 5 } });

        Assert.That(updated.Metadata.Generation, Is.EqualTo(2));
        Assert.That(updated.Spec.Replicas, Is.EqualTo(5));
    }

    [Test]
    public async Task Update_MetadataOnly_KeepsGeneration()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var updated = await Server.UpdateAsync(Admin, rs with { Metadata = rs.Metadata with { Labels = new Dictionary<string, string> { ["tier"] = "front" } } });

        Assert.That(updated.Metadata.Generation, Is.EqualTo(1));
        Assert.That(updated.Metadata.Labels["tier"], Is.EqualTo("front"));
    }

    [Test]
    public async Task Update_IgnoresStatus_AndUpdateStatusIgnoresSpec()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var viaUpdate = (ReplicaSet)await Server.UpdateAsync(Admin, rs with { Status = new ReplicaSetStatus { Replicas = 3 } });
        var viaStatus = (ReplicaSet)await Server.UpdateStatusAsync(Admin, viaUpdate with
        {
            Spec = viaUpdate.Spec with { Replicas = 9 },
            Status = new ReplicaSetStatus { Replicas = 2 },
        });

        Assert.Multiple(() =>
        {
            Assert.That(viaUpdate.Status.Replicas, Is.EqualTo(0));
            Assert.That(viaStatus.Status.Replicas, Is.EqualTo(2));
            Assert.That(viaStatus.Spec.Replicas, Is.EqualTo(2), "spec untouched by the status write");
            Assert.That(viaStatus.Metadata.Generation, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task UpdateStatus_OfKindWithoutStatus_IsNotFound()
    {
        var map = await CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "c", Namespace = "default" } });

        Assert.ThrowsAsync<NotFoundException>(async () => await Server.UpdateStatusAsync(Admin, map));
    }

    [Test]
    public async Task Update_StaleResourceVersion_IsConflict()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await Server.UpdateAsync(Admin, rs with { Spec = rs.Spec with { Replicas = 3 } });

        var error = Assert.ThrowsAsync<ConflictException>(async () => await Server.UpdateAsync(Admin, rs with { Spec = rs.Spec with { Replicas = 4 } }));

        Assert.That(error!.Message, Is.EqualTo(
            "Operation cannot be fulfilled on replicasets.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"));
    }

    [Test]
    public async Task Update_WithoutResourceVersion_IsUnconditional_AndKeepsStatus()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        rs = (ReplicaSet)await Server.UpdateStatusAsync(Admin, rs with { Status = new ReplicaSetStatus { Replicas = 2 } });

        var blind = rs with { Metadata = rs.Metadata with { ResourceVersion = null }, Spec = rs.Spec with { Replicas = 4 }, Status = new ReplicaSetStatus() };
        var updated = (ReplicaSet)await Server.UpdateAsync(Admin, blind);

        Assert.That(updated.Spec.Replicas, Is.EqualTo(4));
        Assert.That(updated.Status.Replicas, Is.EqualTo(2));
    }

    [Test]
    public async Task Update_ChangedUid_IsInvalid_AndCreationTimestampIsKept()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        Assert.ThrowsAsync<InvalidObjectException>(async () => await Server.UpdateAsync(Admin, rs with { Metadata = rs.Metadata with { Uid = "other" } }));
        var updated = await Server.UpdateAsync(Admin, rs with { Metadata = rs.Metadata with { CreationTimestamp = DateTimeOffset.UnixEpoch, Labels = new Dictionary<string, string> { ["a"] = "b" } } });
        Assert.That(updated.Metadata.CreationTimestamp, Is.EqualTo(rs.Metadata.CreationTimestamp));
    }

    [Test]
    public async Task Update_ThatChangesNothing_WritesNothing()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var same = await Server.UpdateAsync(Admin, rs);

        Assert.That(same.Metadata.ResourceVersion, Is.EqualTo(rs.Metadata.ResourceVersion));
    }

    [Test]
    public void Update_Missing_IsNotFound()
    {
        var error = Assert.ThrowsAsync<NotFoundException>(async () => await Server.UpdateAsync(Admin, NewReplicaSet("ghost")));

        Assert.That(error!.Message, Is.EqualTo("replicasets.apps \"ghost\" not found"));
    }

    [Test]
    public async Task Patch_MergePatch_ChangesOnlyWhatItNames()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var patched = (ReplicaSet)await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.Merge,
            """{"metadata":{"labels":{"tier":"front"}},"spec":{"replicas":6}}"""u8.ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(patched.Spec.Replicas, Is.EqualTo(6));
            Assert.That(patched.Metadata.Labels["tier"], Is.EqualTo("front"));
            Assert.That(patched.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("nginx:1.27"));
            Assert.That(patched.Metadata.Generation, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Patch_StrategicMerge_MergesContainersByName()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var patched = (ReplicaSet)await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.StrategicMerge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"},{"name":"log","image":"busybox"}]}}}}"""u8.ToArray());

        Assert.That(patched.Spec.Template.Spec.Containers.Select(c => (c.Name, c.Image)), Is.EqualTo(new[] { ("web", "nginx:1.28"), ("log", "busybox") }));
    }

    [Test]
    public async Task Patch_Status_WritesStatusOnly()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var patched = (ReplicaSet)await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.Merge,
            """{"spec":{"replicas":9},"status":{"replicas":2}}"""u8.ToArray(), subresource: "status");

        Assert.That(patched.Status.Replicas, Is.EqualTo(2));
        Assert.That(patched.Spec.Replicas, Is.EqualTo(2));
    }

    [Test]
    public async Task Patch_JsonPatch_AppliesOperations()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));

        var patched = (ReplicaSet)await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.Json,
            """[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":3},{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]"""u8.ToArray());

        Assert.That(patched.Spec.Replicas, Is.EqualTo(3));
        Assert.That(patched.Metadata.Labels["a"], Is.EqualTo("b"));
    }

    [Test]
    public async Task Patch_WithStaleResourceVersion_IsConflict()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        await Server.UpdateAsync(Admin, rs with { Spec = rs.Spec with { Replicas = 3 } });

        Assert.ThrowsAsync<ConflictException>(async () => await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.Merge,
            System.Text.Encoding.UTF8.GetBytes($$$"""{"metadata":{"resourceVersion":"{{{rs.Metadata.ResourceVersion}}}"},"spec":{"replicas":1}}""")));
    }

    [Test]
    public async Task Watch_ThroughServer_SeesChanges()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var list = await Server.ListAsync(Admin, TypeOf<Pod>(), "default");
        var events = await Server.WatchAsync(Admin, TypeOf<Pod>(), "default", new WatchOptions { ResourceVersion = list.ResourceVersion }, cts.Token);
        await using var enumerator = events.GetAsyncEnumerator(cts.Token);

        await CreateAsync(NewPod("web"));
        Assert.That(await enumerator.MoveNextAsync(), Is.True);

        Assert.That(enumerator.Current.Type, Is.EqualTo(WatchEventType.Added));
        Assert.That(enumerator.Current.Object?.Name, Is.EqualTo("web"));
    }

    [Test]
    public async Task List_FiltersByLabelAndFieldSelectors()
    {
        await CreateAsync(NewPod("a"));
        await CreateAsync(NewPod("b") with { Metadata = NewPod("b").Metadata with { Labels = new Dictionary<string, string> { ["app"] = "db" } } });

        var byLabel = await Server.ListAsync(Admin, TypeOf<Pod>(), "default", new ListOptions { LabelSelector = LabelSelector.Parse("app in (db)") });
        var byField = await Server.ListAsync(Admin, TypeOf<Pod>(), "default", new ListOptions { FieldSelector = FieldSelector.Parse("metadata.name=a") });

        Assert.That(byLabel.Items.Select(p => p.Name), Is.EqualTo(new[] { "b" }));
        Assert.That(byField.Items.Select(p => p.Name), Is.EqualTo(new[] { "a" }));
    }
}
