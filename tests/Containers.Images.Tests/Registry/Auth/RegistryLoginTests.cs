using Containers.Errors;
using Containers.Images.Registry;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;
using Containers.Testing;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class RegistryLoginTests
{
    private string _directory = null!;
    private DockerConfigCredentialProvider _store = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("registry-login-").FullName;
        _store = new DockerConfigCredentialProvider(Path.Combine(_directory, "config.json"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Login_ChecksTheCredentialsWithTheTokenFlow_ThenStoresThem_LogoutRemovesThem()
    {
        await using var tokens = new TestTokenServer().WithUser("alice", "s3cret", "pull");
        await using var registry = await RegistryServer.StartOrIgnoreAsync(tokens.RegistryAuth(_directory));
        var login = new RegistryLogin(_store);

        var name = await login.LoginAsync($"http://{registry.Authority}/", RegistryCredential.FromPassword("alice", "s3cret"));
        var stored = await _store.GetAsync(registry.Authority);
        var removed = await login.LogoutAsync(registry.Authority);

        Assert.That(name, Is.EqualTo(registry.Authority));
        Assert.That(stored, Is.EqualTo(RegistryCredential.FromPassword("alice", "s3cret")));
        Assert.That(tokens.Requests.Single().Header("Authorization"), Does.StartWith("Basic "));
        Assert.That(removed, Is.True);
        Assert.That(await _store.GetAsync(registry.Authority), Is.Null);
    }

    [Test]
    public async Task Login_WithWrongCredentials_FailsAndStoresNothing()
    {
        await using var registry = await RegistryServer.StartOrIgnoreAsync(RegistryServer.HtpasswdAuth(_directory, ("alice", "s3cret")));
        var login = new RegistryLogin(_store);

        var e = Assert.ThrowsAsync<RegistryException>(() => login.LoginAsync(registry.Authority, RegistryCredential.FromPassword("alice", "wrong")));

        Assert.That(e!.Message, Does.Contain("refused the credentials of \"alice\""));
        Assert.That(File.Exists(_store.ConfigPath), Is.False);
    }

    [TestCase(null, "docker.io")]
    [TestCase("", "docker.io")]
    [TestCase("index.docker.io", "docker.io")]
    [TestCase("https://index.docker.io/v1/", "docker.io")]
    [TestCase("https://registry.example:5000/v2/", "registry.example:5000")]
    [TestCase("https://registry.example:443", "registry.example")]
    [TestCase("registry.example:5000/", "registry.example:5000")]
    public void Normalize_WhatUsersType(string? typed, string expected) =>
        Assert.That(RegistryLogin.Normalize(typed), Is.EqualTo(expected));

    [TestCase("ftp://registry.example")]
    [TestCase("registry.example/team")]
    [TestCase("user@registry.example")]
    public void Normalize_RefusesWhatIsNoRegistry(string typed) =>
        Assert.Throws<InvalidArgumentException>(() => RegistryLogin.Normalize(typed));
}
