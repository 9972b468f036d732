using System.Text.Json;
using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class MutateTests : TestImagesFixture
{
    [Test]
    public async Task AppendLayers_AddsDiffIdHistoryAndDescriptor()
    {
        var layer = await Images.LayerAsync("hello.txt", "hello");

        var image = Mutate.AppendLayers(TestImages.Empty(), layer);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(image.Layers, Is.EqualTo(new[] { layer }));
            Assert.That(image.Config.RootFs.DiffIds, Is.EqualTo(new[] { layer.DiffId }));
            Assert.That(image.Config.History, Has.Count.EqualTo(1));
            Assert.That(image.Config.History![0].EmptyLayer, Is.Null);
            Assert.That(image.Manifest.Layers.Single(), Is.EqualTo(new Descriptor { MediaType = MediaType.OciLayerGzip, Digest = layer.Digest, Size = layer.Size }));
            Assert.That(image.Manifest.Config.Digest, Is.EqualTo(Digest.Compute(image.RawConfig.Span)));
            Assert.That(image.Digest, Is.EqualTo(Digest.Compute(image.RawManifest.Span)));
        }
    }

    [Test]
    public async Task AppendLayers_KeepsTheGivenHistoryEntry()
    {
        var layer = await Images.LayerAsync("a", "a");
        var entry = new HistoryEntry { CreatedBy = "COPY a /a", Created = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero) };

        var image = Mutate.AppendLayers(TestImages.Empty(), [new LayerAddition(layer, entry)]);

        Assert.That(image.Config.History, Is.EqualTo(new[] { entry }));
    }

    [Test]
    public async Task AppendLayers_LeavesTheOriginalImageUnchanged()
    {
        var original = await Images.WithOneLayerAsync();
        var digestBefore = original.Digest;
        var configBefore = original.RawConfig.ToArray();
        var manifestBefore = original.RawManifest.ToArray();

        var appended = Mutate.AppendLayers(original, await Images.LayerAsync("second.txt", "second"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(appended.Layers, Has.Count.EqualTo(2));
            Assert.That(appended.Config.RootFs.DiffIds, Has.Count.EqualTo(2));
            Assert.That(appended.Digest, Is.Not.EqualTo(digestBefore));
            Assert.That(original.Digest, Is.EqualTo(digestBefore));
            Assert.That(original.RawConfig.ToArray(), Is.EqualTo(configBefore));
            Assert.That(original.RawManifest.ToArray(), Is.EqualTo(manifestBefore));
            Assert.That(original.Layers, Has.Count.EqualTo(1));
            Assert.That(original.Config.RootFs.DiffIds, Has.Count.EqualTo(1));
            Assert.That(original.Config.History, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task AppendLayers_OntoLayersWithoutHistory_BackfillsHistorySoTheImageStaysValid()
    {
        var withoutHistory = await Images.WithoutHistoryAsync();
        var entry = new HistoryEntry { CreatedBy = "COPY app /app" };

        var appended = Mutate.AppendLayers(withoutHistory, [new LayerAddition(await Images.LayerAsync("app", "app"), entry)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(appended.Config.History, Has.Count.EqualTo(2));
            Assert.That(appended.Config.History![0].EmptyLayer, Is.Null, "the base layer gets a placeholder entry");
            Assert.That(appended.Config.History[1], Is.EqualTo(entry), "the appended layer's entry lines up with it");
            Assert.That(await ImageValidator.ValidateAsync(appended), Is.Empty);
        }
    }

    [Test]
    public async Task AddHistory_OntoLayersWithoutHistory_BackfillsHistorySoTheImageStaysValid()
    {
        var withoutHistory = await Images.WithoutHistoryAsync();

        var edited = Mutate.AddHistory(withoutHistory, new HistoryEntry { CreatedBy = "ENV A=1" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(edited.Config.History!.Select(h => h.EmptyLayer), Is.EqualTo(new bool?[] { null, true }));
            Assert.That(await ImageValidator.ValidateAsync(edited), Is.Empty);
        }
    }

    [Test]
    public async Task AppendLayers_ZstdLayerOntoDockerImage_IsRejected()
    {
        var layer = await Images.LayerAsync("z.txt", "zstd", LayerCompression.Zstd);

        var error = Assert.Throws<InvalidArgumentException>(() => Mutate.AppendLayers(TestImages.Empty(MediaType.DockerManifest), layer));

        Assert.That(error.Message, Does.Contain($"layer {layer.Digest} is zstd").And.Contain("convert the image to OCI"));
    }

    [Test]
    public async Task AppendLayers_ZstdLayerOntoOciImage_IsAccepted()
    {
        var layer = await Images.LayerAsync("z.txt", "zstd", LayerCompression.Zstd);

        var image = Mutate.AppendLayers(TestImages.Empty(), layer);

        Assert.That(image.Manifest.Layers.Single().MediaType, Is.EqualTo(MediaType.OciLayerZstd));
    }

    [Test]
    public async Task AppendLayers_BlobThatIsNotALayer_IsRejected()
    {
        var notALayer = new MisreportingLayer(await Images.LayerAsync("a", "a")) { MediaType = MediaType.OciConfig };

        var error = Assert.Throws<InvalidArgumentException>(() => Mutate.AppendLayers(TestImages.Empty(), notALayer));

        Assert.That(error.Message, Does.Contain($"blob {notALayer.Digest} has media type \"{MediaType.OciConfig}\", which is not a layer"));
    }

    [Test]
    public void SetEnv_ReplacesAKeyInPlaceAndAppendsNewOnes()
    {
        var image = Mutate.SetEnv(TestImages.Empty(), "PATH=/bin", "HOME=/root", "LANG=C");

        var edited = Mutate.SetEnv(image, "HOME=/home/app", "TZ=UTC", "HOMEDIR=/x");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(edited.Config.Config!.Env, Is.EqualTo(new[] { "PATH=/bin", "HOME=/home/app", "LANG=C", "TZ=UTC", "HOMEDIR=/x" }));
            Assert.That(image.Config.Config!.Env, Is.EqualTo(new[] { "PATH=/bin", "HOME=/root", "LANG=C" }));
        }
    }

    [Test]
    public void SetEnv_EmptyValue_IsAllowed()
    {
        var image = Mutate.SetEnv(TestImages.Empty(), "EMPTY=");

        Assert.That(image.Config.Config!.Env, Is.EqualTo(new[] { "EMPTY=" }));
    }

    [TestCase("NOEQUALS")]
    [TestCase("=value")]
    public void SetEnv_WithoutAKey_IsRejected(string variable)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Mutate.SetEnv(TestImages.Empty(), "OK=1", variable));

        Assert.That(error.Message, Is.EqualTo($"environment variable \"{variable}\" must have the form KEY=value"));
    }

    [Test]
    public void SetEntrypointAndCmd_AreWrittenToTheConfig()
    {
        var image = Mutate.SetCmd(Mutate.SetEntrypoint(TestImages.Empty(), "/bin/sh", "-c"), "echo hi");

        using var config = JsonDocument.Parse(image.RawConfig);
        var container = config.RootElement.GetProperty("config");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(image.Config.Config!.Entrypoint, Is.EqualTo(new[] { "/bin/sh", "-c" }));
            Assert.That(image.Config.Config.Cmd, Is.EqualTo(new[] { "echo hi" }));
            Assert.That(container.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "/bin/sh", "-c" }));
            Assert.That(container.GetProperty("Cmd")[0].GetString(), Is.EqualTo("echo hi"));
        }
    }

    [Test]
    public void SetCmd_Null_ClearsIt()
    {
        var image = Mutate.SetCmd(Mutate.SetCmd(TestImages.Empty(), "sh"), null);

        Assert.That(image.Config.Config!.Cmd, Is.Null);
    }

    [Test]
    public void SetWorkingDir_AbsolutePath_IsSet()
    {
        var image = Mutate.SetWorkingDir(TestImages.Empty(), "/app");

        Assert.That(image.Config.Config!.WorkingDir, Is.EqualTo("/app"));
    }

    [Test]
    public void SetWorkingDir_RelativePath_IsRejected()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Mutate.SetWorkingDir(TestImages.Empty(), "app"));

        Assert.That(error.Message, Is.EqualTo("working directory \"app\" must be an absolute path"));
    }

    [Test]
    public void SetUser_IsSet()
    {
        var image = Mutate.SetUser(TestImages.Empty(), "1000:1000");

        Assert.That(image.Config.Config!.User, Is.EqualTo("1000:1000"));
    }

    [Test]
    public void SetLabels_KeepsThemSortedByKeyAndNullRemoves()
    {
        var image = Mutate.SetLabels(TestImages.Empty(), new Dictionary<string, string?> { ["zeta"] = "z", ["alpha"] = "a", ["mid"] = "m" });

        var edited = Mutate.SetLabels(image, new Dictionary<string, string?> { ["mid"] = null, ["beta"] = "b", ["alpha"] = "A" });

        using var config = JsonDocument.Parse(edited.RawConfig);
        var written = config.RootElement.GetProperty("config").GetProperty("Labels").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(edited.Config.Config!.Labels!.Keys, Is.EqualTo(new[] { "alpha", "beta", "zeta" }));
            Assert.That(written, Is.EqualTo(new[] { "alpha=A", "beta=b", "zeta=z" }));
            Assert.That(image.Config.Config!.Labels!.Keys, Is.EqualTo(new[] { "alpha", "mid", "zeta" }));
        }
    }

    [Test]
    public void SetExposedPorts_NormalizesAndSorts()
    {
        var image = Mutate.SetExposedPorts(TestImages.Empty(), "80", "53/UDP", "443/tcp");

        var edited = Mutate.SetExposedPorts(image, "80/tcp", "8080/sctp");

        Assert.That(edited.Config.Config!.ExposedPorts!.Keys, Is.EqualTo(new[] { "443/tcp", "53/udp", "80/tcp", "8080/sctp" }));
    }

    [TestCase("0")]
    [TestCase("70000")]
    [TestCase("80/icmp")]
    [TestCase("80/tcp/extra")]
    [TestCase("http")]
    [TestCase("")]
    public void SetExposedPorts_Invalid_IsRejected(string port)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => Mutate.SetExposedPorts(TestImages.Empty(), port));

        Assert.That(error.Message, Is.EqualTo($"port \"{port}\" must be a number from 1 to 65535, optionally with /tcp, /udp or /sctp"));
    }

    [Test]
    public void SetCreated_IsWrittenAsRfc3339()
    {
        var created = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var image = Mutate.SetCreated(TestImages.Empty(), created);

        using var config = JsonDocument.Parse(image.RawConfig);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(image.Config.Created, Is.EqualTo(created));
            Assert.That(config.RootElement.GetProperty("created").GetString(), Is.EqualTo("2024-01-02T03:04:05Z"));
        }
    }

    [Test]
    public async Task WithConfig_ChangingTheDiffIdCount_IsRejected()
    {
        var image = await Images.WithOneLayerAsync();

        var error = Assert.Throws<InvalidArgumentException>(
            () => Mutate.WithConfig(image, c => c with { RootFs = new RootFs { DiffIds = [] } }));

        Assert.That(error.Message, Does.Contain("lists 0 diff_ids for 1 layers"));
    }

    [Test]
    public async Task AddHistory_AddsAnEmptyLayerEntry()
    {
        var image = await Images.WithOneLayerAsync();

        var edited = Mutate.AddHistory(image, new HistoryEntry { CreatedBy = "CMD [\"sh\"]" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(edited.Config.History, Has.Count.EqualTo(2));
            Assert.That(edited.Config.History![1].EmptyLayer, Is.True);
            Assert.That(edited.Layers, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task SameEditsInTheSameOrder_GiveTheSameDigest()
    {
        var layer = await Images.LayerAsync("app.txt", "app");

        var first = Edit(TestImages.Empty(), layer);
        var second = Edit(TestImages.Empty(), layer);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Digest, Is.EqualTo(first.Digest));
            Assert.That(second.RawManifest.ToArray(), Is.EqualTo(first.RawManifest.ToArray()));
            Assert.That(second.RawConfig.ToArray(), Is.EqualTo(first.RawConfig.ToArray()));
        }
    }

    [Test]
    public async Task DifferentEdits_GiveDifferentDigests()
    {
        var layer = await Images.LayerAsync("app.txt", "app");
        var edited = Edit(TestImages.Empty(), layer);

        var otherEnv = Mutate.SetEnv(edited, "MODE=debug");
        var otherUser = Mutate.SetUser(edited, "root");
        var otherTime = Mutate.SetCreated(edited, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.That(new[] { edited.Digest, otherEnv.Digest, otherUser.Digest, otherTime.Digest }, Is.Unique);
    }

    [Test]
    public void LabelsGivenInAnotherOrder_GiveTheSameDigest()
    {
        var first = Mutate.SetLabels(TestImages.Empty(), new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" });
        var second = Mutate.SetLabels(TestImages.Empty(), new Dictionary<string, string?> { ["b"] = "2", ["a"] = "1" });

        Assert.That(second.Digest, Is.EqualTo(first.Digest));
    }

    private static IImage Edit(IImage image, ILayer layer)
    {
        image = Mutate.AppendLayers(image, layer);
        image = Mutate.SetEnv(image, "PATH=/bin", "MODE=release");
        image = Mutate.SetEntrypoint(image, "/app");
        image = Mutate.SetWorkingDir(image, "/srv");
        image = Mutate.SetUser(image, "app");
        image = Mutate.SetLabels(image, new Dictionary<string, string?> { ["org.opencontainers.image.title"] = "app" });
        image = Mutate.SetExposedPorts(image, "8080");
        return Mutate.SetCreated(image, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
    }
}
