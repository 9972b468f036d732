using System.Text;
using System.Text.Json;
using Containers.Errors;

namespace Containers.Images.Tests;

public sealed class OciDocumentsTests
{
    [Test]
    public void EveryTestFile_HashesToTheSha256InTheReadme()
    {
        var readme = TestManifests.ReadmeDigests();
        var files = Directory.GetFiles(TestManifests.Folder, "*.json").Select(Path.GetFileName).ToList();

        Assert.That(readme.Keys, Is.EquivalentTo(files), "the README's table lists exactly the JSON files");
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, sha256) in readme)
            {
                Assert.That(Digest.Compute(TestManifests.Read(name)).Hex, Is.EqualTo(sha256), name);
            }
        }
    }

    [TestCase(TestManifests.GlibcManifest, "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.config.v1+json", 477)]
    [TestCase(TestManifests.MuslManifest, "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.config.v1+json", 462)]
    [TestCase(TestManifests.DockerManifest, "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.container.image.v1+json", 1469)]
    [TestCase(TestManifests.DockerManifestCompact, "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.container.image.v1+json", 1512)]
    public void ParseManifest_RealManifest_HasItsMediaTypeConfigAndOneLayer(string file, string mediaType, string configType, long configSize)
    {
        var bytes = TestManifests.Read(file);

        var manifest = OciDocuments.ParseManifest(bytes, new MediaType(mediaType));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(OciDocuments.DetectMediaType(bytes), Is.EqualTo(new MediaType(mediaType)));
            Assert.That(manifest.SchemaVersion, Is.EqualTo(2));
            Assert.That(manifest.MediaType, Is.EqualTo(new MediaType(mediaType)));
            Assert.That(manifest.Config.MediaType.Value, Is.EqualTo(configType));
            Assert.That(manifest.Config.Size, Is.EqualTo(configSize));
            Assert.That(manifest.Layers, Has.Count.EqualTo(1));
            Assert.That(manifest.Layers[0].MediaType.IsLayer, Is.True);
            Assert.That(manifest.Layers[0].MediaType.IsDocker, Is.EqualTo(manifest.MediaType!.Value.IsDocker));
        }
    }

    [Test]
    public void ParseManifest_GlibcBusybox_KeepsAnnotationsAndLayerDescriptor()
    {
        var manifest = OciDocuments.ParseManifest(TestManifests.Read(TestManifests.GlibcManifest));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(manifest.Annotations!["org.opencontainers.image.version"], Is.EqualTo("1.37.0-glibc"));
            Assert.That(manifest.Layers[0].MediaType, Is.EqualTo(MediaType.OciLayerGzip));
            Assert.That(manifest.Layers[0].Digest.ToString(), Is.EqualTo("sha256:5bc51b87d4ecce0629c488674e2580a3d58d2937d70c81d4f6d485d43e06eb06"));
            Assert.That(manifest.Layers[0].Size, Is.EqualTo(1902991));
        }
    }

    [Test]
    public void ParseManifest_WithoutMediaType_IsDetectedAsAnOciManifest()
    {
        var bytes = TestManifests.Read(TestManifests.NoMediaTypeManifest);

        var manifest = OciDocuments.ParseManifest(bytes, MediaType.OciManifest);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(OciDocuments.DetectMediaType(bytes), Is.EqualTo(MediaType.OciManifest));
            Assert.That(manifest.MediaType, Is.Null);
            Assert.That(manifest.Layers, Has.Count.EqualTo(1));
            Assert.That(manifest.Layers[0].Size, Is.EqualTo(114));
        }
    }

    [Test]
    public void ParseIndex_DockerManifestList_OffersSevenPlatforms()
    {
        var bytes = TestManifests.Read(TestManifests.DockerManifestList);

        var index = OciDocuments.ParseIndex(bytes, MediaType.DockerManifestList);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(OciDocuments.DetectMediaType(bytes), Is.EqualTo(MediaType.DockerManifestList));
            Assert.That(index.MediaType, Is.EqualTo(MediaType.DockerManifestList));
            Assert.That(index.Manifests.Select(m => m.Platform!.ToString()), Is.EqualTo(new[]
            {
                "linux/amd64", "linux/arm/v5", "linux/arm/v6", "linux/arm64/v8", "linux/386", "linux/ppc64le", "linux/s390x",
            }));
            Assert.That(index.Manifests.Select(m => m.MediaType), Is.All.EqualTo(MediaType.DockerManifest));
            Assert.That(index.Manifests[0].Digest.ToString(), Is.EqualTo("sha256:030fcb92e1487b18c974784dcc110a93147c9fc402188370fbfd17efabffc6af"));
        }
    }

    [Test]
    public void ParseIndex_RegclientIndex_KeepsPlatformsAndAnnotations()
    {
        var index = OciDocuments.ParseIndex(TestManifests.Read(TestManifests.RegclientIndex), MediaType.OciIndex);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(index.Manifests.Select(m => m.Platform!.ToString()), Is.EqualTo(new[]
            {
                "linux/amd64", "linux/arm64", "unknown/unknown", "unknown/unknown",
            }));
            Assert.That(index.Annotations!["org.example.version"], Is.EqualTo("v1"));
            Assert.That(index.Manifests[2].GetAnnotation("vnd.docker.reference.type"), Is.EqualTo("builder"));
            Assert.That(index.Manifests[2].GetAnnotation("vnd.docker.reference.digest"), Is.EqualTo(index.Manifests[0].Digest.ToString()));
            Assert.That(index.Manifests[0].GetAnnotation("vnd.docker.reference.type"), Is.Null);
        }
    }

    [Test]
    public void GlibcChain_IndexPointsAtManifestAndManifestAtConfig_ByDigestAndSize()
    {
        var indexBytes = TestManifests.Read(TestManifests.GlibcLayoutIndex);
        var manifestBytes = TestManifests.Read(TestManifests.GlibcManifest);
        var configBytes = TestManifests.Read(TestManifests.GlibcConfig);

        var index = OciDocuments.ParseIndex(indexBytes);
        var pointer = index.Manifests.Single();
        var manifest = OciDocuments.ParseManifest(manifestBytes, pointer.MediaType);
        var config = OciDocuments.ParseConfig(configBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pointer.Digest, Is.EqualTo(Digest.Compute(manifestBytes)));
            Assert.That(pointer.Size, Is.EqualTo(manifestBytes.Length));
            Assert.That(pointer.Platform!.ToString(), Is.EqualTo("linux/arm64/v8"));
            Assert.That(pointer.GetAnnotation("org.opencontainers.image.ref.name"), Is.EqualTo("busybox:1.37.0-glibc"));
            Assert.That(manifest.Config.Digest, Is.EqualTo(Digest.Compute(configBytes)));
            Assert.That(manifest.Config.Size, Is.EqualTo(configBytes.Length));
            Assert.That(config.RootFs.DiffIds, Has.Count.EqualTo(manifest.Layers.Count));
            Assert.That(config.Platform.ToString(), Is.EqualTo(pointer.Platform.ToString()));
        }
    }

    [Test]
    public void MuslChain_ManifestPointsAtConfig_ByDigestAndSize()
    {
        var manifestBytes = TestManifests.Read(TestManifests.MuslManifest);
        var configBytes = TestManifests.Read(TestManifests.MuslConfig);

        var manifest = OciDocuments.ParseManifest(manifestBytes);
        var config = OciDocuments.ParseConfig(configBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(manifest.Config.Digest, Is.EqualTo(Digest.Compute(configBytes)));
            Assert.That(manifest.Config.Size, Is.EqualTo(configBytes.Length));
            Assert.That(config.Platform.ToString(), Is.EqualTo("linux/amd64"));
            Assert.That(config.RootFs.DiffIds.Single().ToString(), Is.EqualTo("sha256:94b7e9998b924f3f19795fc713810546286c307bbee9d56a0ea19a5a1bade234"));
        }
    }

    [Test]
    public void ParseConfig_OciConfig_ReadsEveryField()
    {
        var config = OciDocuments.ParseConfig(TestManifests.Read(TestManifests.GlibcConfig));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Created, Is.EqualTo(new DateTimeOffset(2024, 9, 26, 21, 31, 42, TimeSpan.Zero)));
            Assert.That(config.Config!.Cmd, Is.EqualTo(new[] { "sh" }));
            Assert.That(config.Config.Env, Is.EqualTo(new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }));
            Assert.That(config.History!.Single().CreatedBy, Is.EqualTo("BusyBox 1.37.0 (glibc), Debian 13"));
            Assert.That(config.RootFs.Type, Is.EqualTo("layers"));
            Assert.That(config.Extra, Is.Null);
        }
    }

    [Test]
    public void ParseConfig_DockerConfig_KeepsUnknownFieldsInExtra()
    {
        var config = OciDocuments.ParseConfig(TestManifests.Read(TestManifests.DockerConfig));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.Extra!.Keys, Is.EquivalentTo(new[] { "container", "container_config", "docker_version" }));
            Assert.That(config.Extra["docker_version"].GetString(), Is.EqualTo("1.12.1"));
            Assert.That(config.Extra["container_config"].GetProperty("Hostname").GetString(), Is.EqualTo("4a74292706a0"));
            Assert.That(config.Config!.Extra!["Hostname"].GetString(), Is.EqualTo("4a74292706a0"));
            Assert.That(config.History!.Select(h => h.EmptyLayer), Is.EqualTo(new bool?[] { null, true }));
            Assert.That(config.Created!.Value.UtcDateTime, Is.EqualTo(new DateTime(2016, 10, 7, 21, 3, 58, DateTimeKind.Utc).AddTicks(4698670)));
        }
    }

    [Test]
    public void Serialize_DockerConfig_KeepsUnknownFields()
    {
        var config = OciDocuments.ParseConfig(TestManifests.Read(TestManifests.DockerConfig));

        var bytes = OciDocuments.Serialize(config);
        using var written = JsonDocument.Parse(bytes);
        var reread = OciDocuments.ParseConfig(bytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(written.RootElement.GetProperty("docker_version").GetString(), Is.EqualTo("1.12.1"));
            Assert.That(written.RootElement.GetProperty("container_config").GetProperty("Cmd")[3].GetString(), Is.EqualTo("CMD [\"sh\"]"));
            Assert.That(written.RootElement.GetProperty("config").GetProperty("Hostname").GetString(), Is.EqualTo("4a74292706a0"));
            Assert.That(reread.Extra!.Keys, Is.EquivalentTo(config.Extra!.Keys));
            Assert.That(reread.Config!.Extra!.Keys, Is.EquivalentTo(config.Config!.Extra!.Keys));
        }
    }

    [Test]
    public void Parse_BothManifestsAndLayers_IsRefusedAsAmbiguous()
    {
        var json = """{"schemaVersion":2,"manifests":[],"layers":[]}"""u8.ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => OciDocuments.ParseManifest(json), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("both a manifest").And.Message.Contains("ambiguous"));
            Assert.That(() => OciDocuments.ParseIndex(json), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("both a manifest"));
        }
    }

    [Test]
    public void ParseManifest_OfAnIndex_IsRefused()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseManifest(TestManifests.Read(TestManifests.RegclientIndex)));

        Assert.That(error.Message, Does.Contain("mediaType \"application/vnd.oci.image.index.v1+json\", not an image manifest"));
    }

    [Test]
    public void ParseIndex_OfAManifest_IsRefused()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseIndex(TestManifests.Read(TestManifests.GlibcManifest)));

        Assert.That(error.Message, Does.Contain("not an index"));
    }

    [Test]
    public void ParseManifest_AskedForAsTheOtherFamily_IsRefused()
    {
        var error = Assert.Throws<InvalidArgumentException>(
            () => OciDocuments.ParseManifest(TestManifests.Read(TestManifests.GlibcManifest), MediaType.DockerManifest));

        Assert.That(error.Message, Does.Contain($"was asked for as \"{MediaType.DockerManifest}\""));
    }

    [Test]
    public void Parse_IndexMediaTypeWithConfigField_IsRefused()
    {
        var json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(TestManifests.Read(TestManifests.GlibcManifest))
            .Replace(MediaType.OciManifest.Value, MediaType.OciIndex.Value, StringComparison.Ordinal));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => OciDocuments.ParseManifest(json), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("has the fields of the other kind"));
            Assert.That(() => OciDocuments.ParseIndex(json), Throws.TypeOf<InvalidArgumentException>().With.Message.Contains("has the fields of the other kind"));
        }
    }

    [Test]
    public void ParseManifest_SchemaVersion1_IsRefused()
    {
        var json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(TestManifests.Read(TestManifests.GlibcManifest))
            .Replace("\"schemaVersion\": 2", "\"schemaVersion\": 1", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseManifest(json));

        Assert.That(error.Message, Does.Contain("schemaVersion 1; only 2 is supported"));
    }

    [Test]
    public void Parse_OverFourMebibytes_IsRefusedBeforeParsing()
    {
        // Not JSON at all: a size error, not a syntax error, proves the size is checked first.
        var json = new byte[OciDocuments.MaxManifestSize + 1];
        json.AsSpan().Fill((byte)'x');

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => OciDocuments.ParseManifest(json), Throws.TypeOf<InvalidArgumentException>()
                .With.Message.EqualTo("manifest is 4194305 bytes, over the limit of 4194304"));
            Assert.That(() => OciDocuments.ParseIndex(json), Throws.TypeOf<InvalidArgumentException>()
                .With.Message.EqualTo("index is 4194305 bytes, over the limit of 4194304"));
        }
    }

    [Test]
    public void ParseManifest_AtTheSizeLimit_IsStillParsed()
    {
        var real = TestManifests.Read(TestManifests.GlibcManifest);
        var json = new byte[OciDocuments.MaxManifestSize];
        json.AsSpan().Fill((byte)' ');
        real.CopyTo(json, 0);

        Assert.That(OciDocuments.ParseManifest(json).Layers, Has.Count.EqualTo(1));
    }

    [TestCase("not json", "is not valid JSON")]
    [TestCase("[]", "is not a JSON object")]
    [TestCase("[{\"config\":{}}]", "is not a JSON object")]
    [TestCase("{\"schemaVersion\":2}", "neither a manifest (no config) nor an index (no manifests)")]
    [TestCase("{\"mediaType\":7,\"config\":{}}", "mediaType that is not a string")]
    public void ParseManifest_NotAManifestObject_IsRefused(string json, string problem)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseManifest(Encoding.UTF8.GetBytes(json)));

        Assert.That(error.Message, Does.StartWith("manifest ").And.Contain(problem));
    }

    [Test]
    public void ParseConfig_WithoutDiffIds_IsRefused()
    {
        var json = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}"""u8.ToArray();

        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseConfig(json));

        Assert.That(error.Message, Does.StartWith("image config is not valid").And.Contain("'diff_ids'"));
    }

    [TestCase("""{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[null]}""", "manifest", "layers")]
    [TestCase("""{"schemaVersion":2,"manifests":[null]}""", "index", "manifests")]
    public void Parse_NullDescriptor_IsRefused(string json, string what, string field)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        TestDelegate parse = what == "index" ? () => OciDocuments.ParseIndex(bytes) : () => OciDocuments.ParseManifest(bytes);

        var error = Assert.Throws<InvalidArgumentException>(parse);

        Assert.That(error.Message, Is.EqualTo($"{what} has a null entry in {field}"));
    }

    [TestCase("5")]
    [TestCase("{}")]
    public void ParseConfig_TimeThatIsNotAString_IsAnInvalidArgument(string created)
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"created":{{{created}}},"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");

        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseConfig(json));

        Assert.That(error.Message, Does.StartWith("image config is not valid"));
    }

    [Test]
    public void Serialize_SameManifestTwice_GivesIdenticalBytes()
    {
        var manifest = SampleManifest();

        var first = OciDocuments.Serialize(manifest);
        var second = OciDocuments.Serialize(manifest);
        var fromAnEqualManifest = OciDocuments.Serialize(SampleManifest());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(fromAnEqualManifest, Is.EqualTo(first));
        }
    }

    [Test]
    public void Serialize_Manifest_WritesPropertiesInGoStructOrder()
    {
        using var written = JsonDocument.Parse(OciDocuments.Serialize(SampleManifest()));

        Assert.That(written.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
        {
            "schemaVersion", "mediaType", "config", "layers", "annotations",
        }));
    }

    [Test]
    public void Serialize_Manifest_LeavesPlusUnescapedAndIsCompact()
    {
        var text = Encoding.UTF8.GetString(OciDocuments.Serialize(SampleManifest()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""));
            Assert.That(text, Does.Not.Contain("\\u002B").IgnoreCase);
            Assert.That(text, Does.Not.Contain(" ").And.Not.Contain("\n"));
        }
    }

    [Test]
    public void Serialize_ParsedManifest_ReadsBackTheSameDescriptors()
    {
        var original = OciDocuments.ParseManifest(TestManifests.Read(TestManifests.GlibcManifest));

        var reread = OciDocuments.ParseManifest(OciDocuments.Serialize(original));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reread.Config, Is.EqualTo(original.Config));
            Assert.That(reread.Layers, Is.EqualTo(original.Layers));
            Assert.That(reread.Annotations, Is.EquivalentTo(original.Annotations!));
        }
    }

    [TestCase(0, "2024-01-02T03:04:05Z")]
    [TestCase(5_000_000, "2024-01-02T03:04:05.5Z")]
    [TestCase(1_230_000, "2024-01-02T03:04:05.123Z")]
    [TestCase(1, "2024-01-02T03:04:05.0000001Z")]
    public void Rfc3339Format_WritesLikeGoRfc3339Nano(long extraTicks, string expected)
    {
        var time = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(extraTicks);

        Assert.That(Rfc3339JsonConverter.Format(time), Is.EqualTo(expected));
    }

    [Test]
    public void Rfc3339Format_ConvertsOffsetsToUtc()
    {
        var time = new DateTimeOffset(2024, 1, 2, 5, 4, 0, TimeSpan.FromHours(2));

        Assert.That(Rfc3339JsonConverter.Format(time), Is.EqualTo("2024-01-02T03:04:00Z"));
    }

    [Test]
    public void Serialize_Config_WritesCreatedAsRfc3339()
    {
        var config = new ImageConfiguration
        {
            Created = new DateTimeOffset(2024, 1, 2, 3, 4, 5, 500, TimeSpan.Zero),
            OS = "linux",
            Architecture = "amd64",
            RootFs = new RootFs { DiffIds = [] },
        };

        var text = Encoding.UTF8.GetString(OciDocuments.Serialize(config));

        Assert.That(text, Does.StartWith("{\"created\":\"2024-01-02T03:04:05.5Z\",\"architecture\":\"amd64\",\"os\":\"linux\","));
    }

    [Test]
    public void ParseConfig_BadTime_IsRefusedNamingTheValue()
    {
        var json = """{"created":"yesterday","architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();

        var error = Assert.Throws<InvalidArgumentException>(() => OciDocuments.ParseConfig(json));

        Assert.That(error.Message, Does.Contain("time \"yesterday\" is not RFC 3339"));
    }

    private static ImageManifest SampleManifest() => new()
    {
        MediaType = MediaType.OciManifest,
        Config = Descriptor.For(MediaType.OciConfig, "{}"u8),
        Layers = [Descriptor.For(MediaType.OciLayerGzip, "layer"u8)],
        Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["org.opencontainers.image.created"] = "2024-01-02T03:04:05Z",
        },
    };
}
