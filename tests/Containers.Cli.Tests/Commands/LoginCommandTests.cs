using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Cli.Tests.Commands;

/// <summary>login and logout against the reference registry with an htpasswd file, into a Docker config of the test's own.</summary>
[NonParallelizable]
public sealed class LoginCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private string _config = null!;
    private string? _dockerConfig;
    private RegistryServer _registry = null!;

    private string ConfigFile => Path.Combine(_config, "config.json");

    [SetUp]
    public async Task SetUp()
    {
        _config = Directory.CreateTempSubdirectory("login-cli-").FullName;
        _registry = await RegistryServer.StartOrIgnoreAsync(RegistryServer.HtpasswdAuth(_config, ("alice", "s3cret")));
        _dockerConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", _config);
    }

    [TearDown]
    public async Task TearDown()
    {
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", _dockerConfig);
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        Directory.Delete(_config, recursive: true);
    }

    [Test]
    public async Task Login_ChecksThenStores_AndLogoutRemoves()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("login", "-u", "alice", "-p", "s3cret", _registry.Authority);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("Login Succeeded\n"));
        Assert.That(stderr, Does.Contain("WARNING! Using --password"));
        var auth = (string?)JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!["auths"]![_registry.Authority]!["auth"];
        Assert.That(auth, Is.EqualTo(Convert.ToBase64String("alice:s3cret"u8.ToArray())));
        Assert.That(File.GetUnixFileMode(ConfigFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        Assert.That((await CliRunner.RunAsync("logout", _registry.Authority)).Stdout, Is.EqualTo($"Removing login credentials for {_registry.Authority}\n"));
        Assert.That((await CliRunner.RunAsync("logout", _registry.Authority)).Stdout, Is.EqualTo($"Not logged in to {_registry.Authority}\n"));
        Assert.That(JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!["auths"]!.AsObject(), Is.Empty);
    }

    [Test]
    public async Task Login_WithAWrongPassword_FailsAndStoresNothing()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("login", "-u", "alice", "-p", "wrong", _registry.Authority);

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain($"containers: unauthorized: registry {_registry.Authority} refused the credentials of \"alice\""));
        Assert.That(File.Exists(ConfigFile), Is.False);
    }

    [Test]
    public async Task Login_PasswordFromStdin()
    {
        using var process = CliProcess.Start("login", "--username", "alice", "--password-stdin", $"http://{_registry.Authority}/");
        await process.WriteStdinAndCloseAsync("s3cret\n");

        Assert.That(await process.WaitForExitAsync(Timeout), Is.Zero, process.Stderr);
        Assert.That(process.Stdout, Is.EqualTo("Login Succeeded\n"));
        Assert.That(process.Stderr, Does.Not.Contain("WARNING"));
        Assert.That(await File.ReadAllTextAsync(ConfigFile), Does.Contain(_registry.Authority));
    }

    [TestCase(new[] { "--password-stdin" }, "--password-stdin needs --username")]
    [TestCase(new[] { "-u", "alice", "-p", "x", "--password-stdin" }, "cannot be used together")]
    public async Task Login_BadFlags_AreRefused(string[] flags, string expected)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(["login", .. flags, _registry.Authority]);

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stderr, Does.Contain(expected));
    }
}
