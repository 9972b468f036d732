using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Containers.Errors;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;

namespace Containers.Images.Tests.Registry.Auth.Docker;

/// <summary>
/// Docker's <c>config.json</c>: reading auths in the forms Docker writes, credential helpers
/// (a shell-script helper put on PATH by the test), and writing back as Docker would read it.
/// </summary>
[NonParallelizable]
public sealed class DockerConfigCredentialProviderTests
{
    private static readonly string AliceAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"));

    private string _directory = null!;
    private string _config = null!;
    private string? _path;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("docker-config-test-").FullName;
        _config = Path.Combine(_directory, "config.json");
        _path = Environment.GetEnvironmentVariable("PATH");
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        Directory.Delete(_directory, recursive: true);
    }

    [TestCase("registry.example:5000")]
    [TestCase("https://registry.example:5000")]
    [TestCase("http://registry.example:5000/v2/")]
    [TestCase("REGISTRY.example:5000")]
    public async Task Get_AuthEntry_UnderAnyKeyFormDockerUses(string key)
    {
        await File.WriteAllTextAsync(_config, "{\"auths\":{\"" + key + "\":{\"auth\":\"" + AliceAuth + "\",\"email\":\"a@example\"}}}");

        var credential = await new DockerConfigCredentialProvider(_config).GetAsync("registry.example:5000");

        Assert.That(credential, Is.EqualTo(RegistryCredential.FromPassword("alice", "s3cret")));
        Assert.That(await new DockerConfigCredentialProvider(_config).GetAsync("registry.example:5001"), Is.Null);
    }

    [TestCase("docker.io")]
    [TestCase("index.docker.io")]
    [TestCase("registry-1.docker.io")]
    public async Task Get_DockerHub_UnderTheKeyDockerWrites(string host)
    {
        await File.WriteAllTextAsync(_config, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + AliceAuth + "\"}}}");

        var credential = await new DockerConfigCredentialProvider(_config).GetAsync(host);

        Assert.That(credential?.Username, Is.EqualTo("alice"));
    }

    [Test]
    public async Task Get_IdentityToken()
    {
        await File.WriteAllTextAsync(_config, """{"auths":{"registry.example":{"auth":"YWxpY2U6","identitytoken":"refresh-me"}}}""");

        var credential = await new DockerConfigCredentialProvider(_config).GetAsync("registry.example");

        Assert.That(credential, Is.EqualTo(RegistryCredential.FromIdentityToken("refresh-me", "alice")));
    }

    [Test]
    public async Task Get_NoFileOrNoEntry_IsAnonymous()
    {
        Assert.That(await new DockerConfigCredentialProvider(_config).GetAsync("registry.example"), Is.Null);
        await File.WriteAllTextAsync(_config, """{"auths":{"other.example":{"auth":"YTpi"}}}""");
        Assert.That(await new DockerConfigCredentialProvider(_config).GetAsync("registry.example"), Is.Null);
    }

    [TestCase("{not json", "is not valid JSON")]
    [TestCase("""{"auths":{"registry.example":{"auth":"%%%"}}}""", "is not base64")]
    [TestCase("""{"auths":{"registry.example":{"auth":"bm9jb2xvbg=="}}}""", "is not user:password")]
    [TestCase("""{"credsStore":"../../bin/sh"}""", "is not a plain name")]
    public async Task Get_BrokenFile_FailsNamingIt(string content, string expected)
    {
        await File.WriteAllTextAsync(_config, content);

        var e = Assert.ThrowsAsync<FailedPreconditionException>(async () => await new DockerConfigCredentialProvider(_config).GetAsync("registry.example"));

        Assert.That(e!.Message, Does.Contain(expected).And.Contain(_config));
    }

    [Test]
    public async Task Store_WithoutHelper_WritesBase64Auth_Mode0600_KeepingEverythingElse()
    {
        await File.WriteAllTextAsync(_config, """
            {"auths":{"other.example":{"auth":"YTpi","email":"a@example"}},"proxies":{"default":{"httpProxy":"http://proxy:3128"}},"currentContext":"ctx"}
            """);
        var provider = new DockerConfigCredentialProvider(_config);

        await provider.StoreAsync("docker.io", RegistryCredential.FromPassword("alice", "s3cret"));

        var json = JsonNode.Parse(await File.ReadAllTextAsync(_config))!;
        Assert.That((string?)json["auths"]!["https://index.docker.io/v1/"]!["auth"], Is.EqualTo(AliceAuth));
        Assert.That((string?)json["auths"]!["other.example"]!["email"], Is.EqualTo("a@example"));
        Assert.That((string?)json["proxies"]!["default"]!["httpProxy"], Is.EqualTo("http://proxy:3128"));
        Assert.That((string?)json["currentContext"], Is.EqualTo("ctx"));
        Assert.That(File.GetUnixFileMode(_config), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await File.ReadAllTextAsync(_config), Does.StartWith("{\n\t\"auths\""), "tab-indented, as Docker writes it");
        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { _config }), "no temporary file left beside it");
        Assert.That((await provider.GetAsync("registry-1.docker.io"))?.Password, Is.EqualTo("s3cret"));
    }

    [Test]
    public async Task Store_ReplacesAnEntryUnderAnotherKeyForm_AndEraseRemovesIt()
    {
        await File.WriteAllTextAsync(_config, """{"auths":{"https://registry.example:5000/v1/":{"auth":"YTpi"}}}""");
        var provider = new DockerConfigCredentialProvider(_config);

        await provider.StoreAsync("registry.example:5000", RegistryCredential.FromPassword("alice", "s3cret"));
        var keys = JsonNode.Parse(await File.ReadAllTextAsync(_config))!["auths"]!.AsObject().Select(p => p.Key).ToArray();
        var erased = await provider.EraseAsync("registry.example:5000");
        var again = await provider.EraseAsync("registry.example:5000");

        Assert.That(keys, Is.EqualTo(new[] { "registry.example:5000" }));
        Assert.That(erased, Is.True);
        Assert.That(again, Is.False);
        Assert.That(await provider.GetAsync("registry.example:5000"), Is.Null);
    }

    [Test]
    public async Task Store_CreatesTheDirectoryAndFile()
    {
        var config = Path.Combine(_directory, "new", "config.json");

        await new DockerConfigCredentialProvider(config).StoreAsync("registry.example", RegistryCredential.FromPassword("alice", "s3cret"));

        Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(config)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That((await new DockerConfigCredentialProvider(config).GetAsync("registry.example"))?.Username, Is.EqualTo("alice"));
    }

    [Test]
    public async Task Store_ThroughASymlinkedConfig_WritesItsTarget()
    {
        var target = Path.Combine(_directory, "real.json");
        await File.WriteAllTextAsync(target, "{}");
        File.CreateSymbolicLink(_config, target);

        await new DockerConfigCredentialProvider(_config).StoreAsync("registry.example", RegistryCredential.FromPassword("alice", "s3cret"));

        Assert.That(new FileInfo(_config).LinkTarget, Is.EqualTo(target));
        Assert.That(await File.ReadAllTextAsync(target), Does.Contain(AliceAuth));
    }

    [Test]
    public async Task CredsStore_HoldsTheSecret_TheFileOnlyAnEmptyEntry()
    {
        var store = InstallHelper("test");
        await File.WriteAllTextAsync(_config, """{"credsStore":"test"}""");
        var provider = new DockerConfigCredentialProvider(_config);

        await provider.StoreAsync("registry.example:5000", RegistryCredential.FromPassword("alice", "s3cret"));
        var credential = await provider.GetAsync("registry.example:5000");
        var text = await File.ReadAllTextAsync(_config);

        Assert.That(credential, Is.EqualTo(RegistryCredential.FromPassword("alice", "s3cret")));
        Assert.That(text, Does.Not.Contain(AliceAuth).And.Not.Contain("s3cret"));
        Assert.That(JsonNode.Parse(text)!["auths"]!["registry.example:5000"]!.AsObject(), Is.Empty);
        Assert.That(Directory.GetFiles(store).Select(f => File.ReadAllText(f)), Has.One.Contains("\"ServerURL\":\"registry.example:5000\""));
        Assert.That(await provider.EraseAsync("registry.example:5000"), Is.True);
        Assert.That(Directory.GetFiles(store), Is.Empty);
        Assert.That(await provider.GetAsync("registry.example:5000"), Is.Null);
    }

    [Test]
    public async Task CredsStore_ForDockerHub_IsAskedWithTheIndexUrl_AndTokenUserMeansIdentityToken()
    {
        var store = InstallHelper("test");
        await File.WriteAllTextAsync(_config, """{"credsStore":"test"}""");
        var provider = new DockerConfigCredentialProvider(_config);

        await provider.StoreAsync("docker.io", RegistryCredential.FromIdentityToken("refresh-me"));
        var credential = await provider.GetAsync("registry-1.docker.io");

        Assert.That(credential?.IdentityToken, Is.EqualTo("refresh-me"));
        var stored = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(store).Single()))!;
        Assert.That((string?)stored["ServerURL"], Is.EqualTo("https://index.docker.io/v1/"));
        Assert.That((string?)stored["Username"], Is.EqualTo("<token>"));
    }

    [Test]
    public async Task CredHelpers_PerRegistry_OverCredsStore()
    {
        InstallHelper("test");
        await File.WriteAllTextAsync(_config, """{"credsStore":"missing","credHelpers":{"registry.example":"test"}}""");
        var provider = new DockerConfigCredentialProvider(_config);

        await provider.StoreAsync("registry.example", RegistryCredential.FromPassword("alice", "s3cret"));

        Assert.That((await provider.GetAsync("registry.example"))?.Username, Is.EqualTo("alice"));
        Assert.That(await provider.GetAsync("other.example"), Is.Null, "a missing helper counts as no credentials when reading");
        var e = Assert.ThrowsAsync<FailedPreconditionException>(async () => await provider.StoreAsync("other.example", RegistryCredential.FromPassword("bob", "x")));
        Assert.That(e!.Message, Does.Contain("docker-credential-missing").And.Contain("credsStore"));
    }

    [Test]
    public async Task Helper_ThatFails_IsReportedWithWhatItSaid()
    {
        var bin = Path.Combine(_directory, "bin");
        Directory.CreateDirectory(bin);
        WriteScript(Path.Combine(bin, "docker-credential-broken"), "#!/bin/sh\necho \"keychain locked\" >&2\nexit 3\n");
        Environment.SetEnvironmentVariable("PATH", $"{bin}:{_path}");
        await File.WriteAllTextAsync(_config, """{"credsStore":"broken"}""");

        var e = Assert.ThrowsAsync<FailedPreconditionException>(async () => await new DockerConfigCredentialProvider(_config).StoreAsync("registry.example", RegistryCredential.FromPassword("a", "b")));

        Assert.That(e!.Message, Does.Contain("docker-credential-broken store").And.Contain("exited with 3").And.Contain("keychain locked"));
        Assert.That(await new DockerConfigCredentialProvider(_config).GetAsync("registry.example"), Is.Null);
    }

    [Test]
    public void DefaultConfigPath_FollowsDockerConfig()
    {
        var before = Environment.GetEnvironmentVariable(DockerConfigCredentialProvider.ConfigDirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(DockerConfigCredentialProvider.ConfigDirectoryVariable, _directory);
            Assert.That(new DockerConfigCredentialProvider().ConfigPath, Is.EqualTo(_config));
            Environment.SetEnvironmentVariable(DockerConfigCredentialProvider.ConfigDirectoryVariable, null);
            Assert.That(DockerConfigCredentialProvider.DefaultConfigPath, Is.EqualTo(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "config.json")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DockerConfigCredentialProvider.ConfigDirectoryVariable, before);
        }
    }

    [TestCase("registry.example:5000")]
    [TestCase("docker.io")]
    public async Task WhatWeStore_TheDockerCliLogsOutOf(string registry)
    {
        var docker = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "docker")).FirstOrDefault(File.Exists);
        if (docker is null)
        {
            Assert.Ignore("needs the docker command-line client");
        }

        var provider = new DockerConfigCredentialProvider(_config);
        await provider.StoreAsync(registry, RegistryCredential.FromPassword("alice", "s3cret"));

        var start = new ProcessStartInfo(docker, registry == "docker.io" ? ["logout"] : ["logout", registry]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOCKER_CONFIG"] = _directory;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.Zero, output + await process.StandardError.ReadToEndAsync());
        Assert.That(output, Does.Contain("Removing login credentials"));
        Assert.That(await provider.GetAsync(registry), Is.Null);
    }

    /// <summary>
    /// Puts <c>docker-credential-&lt;name&gt;</c> on PATH: a shell script keeping each server's JSON
    /// in a file of its own under the returned directory, answering as docker-credential-helpers do.
    /// </summary>
    private string InstallHelper(string name)
    {
        var bin = Path.Combine(_directory, "bin");
        var store = Path.Combine(_directory, "store");
        Directory.CreateDirectory(bin);
        Directory.CreateDirectory(store);
        WriteScript(Path.Combine(bin, "docker-credential-" + name), $$"""
            #!/bin/sh
            store='{{store}}'
            key() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
            case "$1" in
            get)
                read -r url
                if [ -f "$store/$(key "$url")" ]; then cat "$store/$(key "$url")"; else echo "credentials not found in native keychain"; exit 1; fi ;;
            store)
                payload=$(cat)
                url=$(printf %s "$payload" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p')
                printf %s "$payload" > "$store/$(key "$url")" ;;
            erase)
                read -r url
                if [ -f "$store/$(key "$url")" ]; then rm "$store/$(key "$url")"; else echo "credentials not found in native keychain"; exit 1; fi ;;
            *)
                echo "unknown action $1" >&2; exit 2 ;;
            esac
            """);
        Environment.SetEnvironmentVariable("PATH", $"{bin}:{_path}");
        return store;
    }

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
