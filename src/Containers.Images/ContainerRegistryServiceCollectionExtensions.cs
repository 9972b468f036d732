using Containers.Images.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the registry client over the image side (<see cref="ContainerImagesServiceCollectionExtensions.AddContainerImages"/>).</summary>
public static class ContainerRegistryServiceCollectionExtensions
{
    /// <summary>
    /// The service key of the authentication handler the client puts in its chain (a
    /// <see cref="DelegatingHandler"/>, registered transient: each chain needs its own instance).
    /// Without one, registries are accessed anonymously.
    /// </summary>
    public const string AuthenticationHandlerKey = "Containers.Registry.Authentication";

    /// <summary>
    /// Adds <see cref="RegistryClient"/> with <see cref="RegistryOptions"/>: one client, one
    /// <see cref="HttpClient"/>, its handler chain being <see cref="RetryHandler"/>, the
    /// authentication handler keyed <see cref="AuthenticationHandlerKey"/>, then the sockets. The
    /// authentication is <see cref="RegistryAuthServiceCollectionExtensions.AddRegistryAuth"/>'s
    /// (credentials from Docker's <c>config.json</c>) unless another handler or provider is registered first.
    /// </summary>
    public static IServiceCollection AddContainerRegistry(this IServiceCollection services, Action<RegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddContainerImages();
        services.AddRegistryAuth();
        var options = services.AddOptions<RegistryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<IOptions<RegistryOptions>>().Value;
            var time = sp.GetService<TimeProvider>();
            var handler = RegistryClient.CreateHandler(registry, sp.GetKeyedService<DelegatingHandler>(AuthenticationHandlerKey), time, sp.GetService<ILoggerFactory>());
            return new RegistryClient(handler, registry, time, sp.GetService<ILogger<RegistryClient>>());
        });
        return services;
    }
}
