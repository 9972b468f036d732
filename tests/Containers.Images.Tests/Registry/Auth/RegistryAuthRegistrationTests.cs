using Containers.Images.Registry;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Images.Tests.Registry.Auth;

public sealed class RegistryAuthRegistrationTests
{
    [Test]
    public void AddContainerRegistry_ChainsTheAuthHandler_OverDockersConfig()
    {
        var services = new ServiceCollection()
            .AddRegistryAuth(o => o.DockerConfigPath = "/nonexistent/config.json")
            .AddContainerRegistry(o => o.InsecureRegistries.Add("registry.lan:5000"));
        using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredKeyedService<DelegatingHandler>(ContainerRegistryServiceCollectionExtensions.AuthenticationHandlerKey);
        var second = provider.GetRequiredKeyedService<DelegatingHandler>(ContainerRegistryServiceCollectionExtensions.AuthenticationHandlerKey);

        Assert.That(first, Is.TypeOf<RegistryAuthHandler>());
        Assert.That(second, Is.Not.SameAs(first), "each handler chain needs its own instance");
        Assert.That(provider.GetRequiredService<ICredentialProvider>(), Is.TypeOf<DockerConfigCredentialProvider>()
            .With.Property(nameof(DockerConfigCredentialProvider.ConfigPath)).EqualTo("/nonexistent/config.json"));
        Assert.That(provider.GetRequiredService<RegistryClient>(), Is.Not.Null);
        RegistryClient.CreateHandler(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistryOptions>>().Value, first).Dispose();
        Assert.That(((RegistryAuthHandler)first).InsecureHosts, Is.EqualTo(new[] { "registry.lan:5000" }), "the client's chain gives the handler its insecure registries");
        Assert.That(provider.GetRequiredService<RegistryLogin>(), Is.Not.Null);
    }

    [Test]
    public void AddRegistryAuth_KeepsACredentialProviderRegisteredFirst()
    {
        var mine = new StaticCredentialProvider("registry.lan", RegistryCredential.FromPassword("a", "b"));
        using var provider = new ServiceCollection()
            .AddSingleton<ICredentialProvider>(mine)
            .AddContainerRegistry()
            .BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ICredentialProvider>(), Is.SameAs(mine));
        Assert.That(provider.GetRequiredKeyedService<DelegatingHandler>(ContainerRegistryServiceCollectionExtensions.AuthenticationHandlerKey), Is.TypeOf<RegistryAuthHandler>());
    }
}
