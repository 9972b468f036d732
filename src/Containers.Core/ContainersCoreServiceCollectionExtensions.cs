using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the runtime's defaults.</summary>
public static class ContainersCoreServiceCollectionExtensions
{
    /// <summary>Adds what every part of the platform shares: the clock, logging and options.</summary>
    public static IServiceCollection AddContainersCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
