using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Api.Apps;
using Containers.Orchestration.Server;
using Containers.Orchestration.Server.Admission;

namespace Containers.Orchestration.Tests.Server;

/// <summary>
/// A write that races another (a controller's status update between the server's read and its
/// write): as kube-apiserver, a patch or an update without a resourceVersion is computed again from
/// the newer object, while an update that names the version it read is a Conflict.
/// </summary>
public sealed class ConcurrentWriteTests : ApiServerTest
{
    private RacingStatusWrite _race = null!;

    protected override ApiServerOptions Options
    {
        get
        {
            _race = new RacingStatusWrite(this);
            var options = new ApiServerOptions { RunBuiltInControllers = false };
            options.AdmissionHooks.Add(_race);
            return options;
        }
    }

    [Test]
    public async Task Patch_RacingAnotherWrite_IsAppliedToTheNewerObject()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        _race.Armed = true;

        var patched = (ReplicaSet)await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.Merge, """{"spec":{"replicas":6}}"""u8.ToArray());

        Assert.That(_race.Raced, Is.True, "the status write came between the read and the write");
        Assert.That((patched.Spec.Replicas, patched.Status.Replicas), Is.EqualTo((6, 5)), "the patch and the racing status write both hold");
    }

    [Test]
    public async Task JsonPatch_RacingAnotherWrite_IsAppliedToTheNewerObject()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        _race.Armed = true;

        var patched = (ReplicaSet)await Server.PatchAsync(Admin, TypeOf<ReplicaSet>(), rs.Key, PatchType.Json, """[{"op":"replace","path":"/spec/replicas","value":6}]"""u8.ToArray());

        Assert.That(_race.Raced, Is.True);
        Assert.That((patched.Spec.Replicas, patched.Status.Replicas), Is.EqualTo((6, 5)));
    }

    [Test]
    public async Task Update_NamingTheVersionItRead_RacingAnotherWrite_IsConflict()
    {
        var rs = await CreateAsync(NewReplicaSet("web"));
        _race.Armed = true;

        Assert.ThrowsAsync<ConflictException>(async () => await Server.UpdateAsync(Admin, rs with { Spec = rs.Spec with { Replicas = 6 } }));
        Assert.That(_race.Raced, Is.True);
        Assert.That((await FindAsync<ReplicaSet>("default", "web"))!.Spec.Replicas, Is.EqualTo(2));
    }

    /// <summary>Once armed, writes status.replicas = 5 straight to the store while the server admits its next update.</summary>
    private sealed class RacingStatusWrite(ConcurrentWriteTests test) : IMutatingAdmissionHook
    {
        public string Name => "RacingStatusWrite";

        public bool Armed { get; set; }

        public bool Raced { get; private set; }

        public async ValueTask<KubeObject> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken = default)
        {
            if (Armed && request is { Operation: AdmissionOperation.Update, OldObject: ReplicaSet old })
            {
                Armed = false;
                await test.Store.UpdateAsync(old with { Status = old.Status with { Replicas = 5 } }, cancellationToken);
                Raced = true;
            }

            return request.Object!;
        }
    }
}
