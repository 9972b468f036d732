using Containers.Testing;

namespace Containers.Cli.Tests.Commands;

/// <summary>push and pull with the credentials <c>login</c> stored, against the reference registry with an htpasswd file.</summary>
public sealed class AuthenticatedRegistryCommandTests : ContainerCliTest
{
    private RegistryServer _registry = null!;
    private string _config = null!;
    private string? _dockerConfig;

    [SetUp]
    public async Task StartRegistry()
    {
        _registry = await RegistryServer.StartOrIgnoreAsync(RegistryServer.HtpasswdAuth(Work, ("alice", "s3cret")));
        _config = Path.Combine(Work, "docker-config");
        _dockerConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", _config);
    }

    [TearDown]
    public async Task StopRegistry()
    {
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", _dockerConfig);
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [Test]
    public async Task PushAndPull_NeedALogin_ThenUseItsCredentials()
    {
        var name = $"{_registry.Authority}/private/box:v1";
        await CliOkAsync("tag", Image, name);

        var refused = await CliAsync("push", name);
        await CliOkAsync("login", "-u", "alice", "-p", "s3cret", _registry.Authority);
        var pushed = await CliAsync("push", "--quiet", name);
        var pulled = await CliRunner.RunAsync("--root", Path.Combine(Work, "other"), "--bridge", "none", "pull", "--quiet", name);
        await CliOkAsync("logout", _registry.Authority);
        var loggedOut = await CliRunner.RunAsync("--root", Path.Combine(Work, "third"), "--bridge", "none", "pull", name);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(refused.Stderr, Does.Contain($"registry {_registry.Authority} requires credentials (Basic) and none are stored for it; log in with `containers login {_registry.Authority}`"));
            Assert.That(pushed.Code, Is.Zero, pushed.Stderr);
            Assert.That(pulled.Code, Is.Zero, pulled.Stderr);
            Assert.That(pulled.Stdout.Trim(), Is.EqualTo(name));
            Assert.That(loggedOut.Code, Is.EqualTo(ContainersCli.UserError));
            Assert.That(loggedOut.Stderr, Does.Contain("requires credentials"));
        });
    }
}
