using Containers.Images.Registry;
using Containers.Images.Registry.Auth;
using Containers.Images.Registry.Auth.Docker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers registry authentication: the credentials, the handler the registry client chains, and login.</summary>
public static class RegistryAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds, unless already there: <see cref="ICredentialProvider"/> and <see cref="ICredentialStore"/>
    /// as Docker's <c>config.json</c> (<see cref="DockerConfigCredentialProvider"/>; register another
    /// provider first to replace it), <see cref="RegistryAuthHandler"/> as the registry client's
    /// authentication handler (keyed
    /// <see cref="ContainerRegistryServiceCollectionExtensions.AuthenticationHandlerKey"/>, transient;
    /// the client's chain gives it the insecure registries), and <see cref="RegistryLogin"/>.
    /// </summary>
    public static IServiceCollection AddRegistryAuth(this IServiceCollection services, Action<RegistryAuthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RegistryAuthOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<RegistryOptions>();
        services.TryAddSingleton(sp => new DockerConfigCredentialProvider(
            sp.GetRequiredService<IOptions<RegistryAuthOptions>>().Value.DockerConfigPath,
            sp.GetService<ILogger<DockerConfigCredentialProvider>>()));
        services.TryAddSingleton<ICredentialStore>(sp => sp.GetRequiredService<DockerConfigCredentialProvider>());
        services.TryAddSingleton<ICredentialProvider>(sp => sp.GetRequiredService<ICredentialStore>());
        services.TryAddKeyedTransient<DelegatingHandler>(ContainerRegistryServiceCollectionExtensions.AuthenticationHandlerKey, (sp, _) =>
            new RegistryAuthHandler(sp.GetRequiredService<ICredentialProvider>(), sp.GetService<TimeProvider>(), sp.GetService<ILogger<RegistryAuthHandler>>()));
        services.TryAddSingleton(sp => new RegistryLogin(
            sp.GetRequiredService<ICredentialStore>(),
            sp.GetRequiredService<IOptions<RegistryOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}
