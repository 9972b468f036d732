namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the control plane's defaults.</summary>
public static class ContainerOrchestrationServiceCollectionExtensions
{
    public static IServiceCollection AddContainerOrchestration(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddContainersCore();
        return services;
    }
}
