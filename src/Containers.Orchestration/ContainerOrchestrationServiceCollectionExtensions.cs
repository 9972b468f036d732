using Containers.Orchestration.Api;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Embedded;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the control plane's defaults: the built-in kinds and the embedded store.</summary>
public static class ContainerOrchestrationServiceCollectionExtensions
{
    /// <param name="configureStore">Settings of the embedded store; without a data directory it keeps everything in memory.</param>
    public static IServiceCollection AddContainerOrchestration(this IServiceCollection services, Action<EmbeddedStateStoreOptions>? configureStore = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddContainersCore();
        var options = services.AddOptions<EmbeddedStateStoreOptions>();
        if (configureStore is not null)
        {
            options.Configure(configureStore);
        }

        services.TryAddSingleton(ResourceRegistry.Default);

        // Opening replays the data directory once, when the store is first asked for.
        services.TryAddSingleton<IStateStore>(sp => EmbeddedStateStore.OpenAsync(
            sp.GetRequiredService<IOptions<EmbeddedStateStoreOptions>>().Value,
            sp.GetRequiredService<ResourceRegistry>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<EmbeddedStateStore>>()).AsTask().GetAwaiter().GetResult());
        return services;
    }
}
