using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Store;
using Containers.Orchestration.Store.Etcd;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the control plane on etcd: its store and its leader election (<c>containers cluster serve --etcd URL</c>).</summary>
public static class EtcdServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="EtcdStateStore"/> the <see cref="IStateStore"/> (instead of the embedded one,
    /// whether or not <c>AddContainerOrchestration</c> ran first) and <see cref="EtcdLeaderElector"/>
    /// the <see cref="ILeaderElector"/>. The store connects when first asked for, and fails then if
    /// etcd does not answer.
    /// </summary>
    public static IServiceCollection AddEtcdStateStore(
        this IServiceCollection services,
        Action<EtcdStateStoreOptions> configureStore,
        Action<EtcdLeaderElectorOptions>? configureElection = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureStore);
        services.AddOptions<EtcdStateStoreOptions>().Configure(configureStore);
        var election = services.AddOptions<EtcdLeaderElectorOptions>();
        if (configureElection is not null)
        {
            election.Configure(configureElection);
        }

        services.TryAddSingleton(ResourceRegistry.Default);
        services.TryAddSingleton(sp => EtcdStateStore.ConnectAsync(
            sp.GetRequiredService<IOptions<EtcdStateStoreOptions>>().Value,
            sp.GetRequiredService<ResourceRegistry>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<EtcdStateStore>>()).AsTask().GetAwaiter().GetResult());
        services.Replace(ServiceDescriptor.Singleton<IStateStore>(sp => sp.GetRequiredService<EtcdStateStore>()));
        services.Replace(ServiceDescriptor.Singleton<ILeaderElector>(sp => new EtcdLeaderElector(
            sp.GetRequiredService<EtcdStateStore>(),
            sp.GetRequiredService<IOptions<EtcdLeaderElectorOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<EtcdLeaderElector>>())));
        return services;
    }
}
