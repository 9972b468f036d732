using Containers.Cgroups;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the runtime's defaults.</summary>
public static partial class ContainersCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds what every part of the platform shares: the clock, logging and options, and the
    /// host's <see cref="CgroupLayout"/> (detected from /proc/self/mountinfo when first resolved).
    /// </summary>
    public static IServiceCollection AddContainersCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => CgroupLayout.Current);
        return services;
    }
}
