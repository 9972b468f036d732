using Containers.Errors;
using Containers.Images.Build;
using Containers.Images.Registry;
using Containers.Images.Tests.Registry;
using Containers.Testing;

namespace Containers.Images.Tests.Build;

/// <summary>A base image the local store lacks is pulled from its registry (the reference registry on 127.0.0.1), as docker build pulls it.</summary>
public sealed class BuildPullTests : BuildTest
{
    [Test]
    public async Task Build_FromAnImageOnlyInARegistry_PullsItFirst()
    {
        await using var server = await RegistryServer.StartOrIgnoreAsync();
        using var client = new RegistryClient(RegistryClientTest.FastOptions());
        var remote = $"{server.Authority}/base/box:1";
        await Images.TagAsync("busybox", remote);
        await client.PushAsync(Images, ImageReference.Parse(remote));
        await Images.RemoveAsync(remote);
        var context = Context(("Dockerfile", $"FROM {remote}\nRUN echo pulled > /p\nCMD [\"cat\", \"/p\"]\n"));
        var recorder = new Recorder();
        var offline = new DockerfileBuilder(Engine, Images);

        var refused = Assert.ThrowsAsync<NotFoundException>(() => offline.BuildAsync(new BuildRequest { ContextDirectory = context }));
        var result = await new DockerfileBuilder(Engine, Images, client).BuildAsync(new BuildRequest { ContextDirectory = context }, recorder);

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Message, Does.Contain("pull it first"));
            Assert.That(recorder.Events.Select(e => e.Text), Does.Contain($"Pulling {remote}"));
            Assert.That((await RunImageAsync(result.Image)).Output, Is.EqualTo("pulled\n"));
            Assert.That((await Images.ResolveAsync(remote)).Digest, Is.EqualTo((await Images.ResolveAsync("busybox")).Digest));
        });
    }
}
