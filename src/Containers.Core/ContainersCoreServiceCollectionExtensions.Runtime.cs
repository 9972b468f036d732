using Containers.Cgroups;
using Containers.Runtime;
using Containers.Runtime.Builtin;
using Containers.Runtime.Oci;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class ContainersCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the container runtimes: <see cref="BuiltinRuntime"/> as the default
    /// <see cref="IContainerRuntime"/>, and every runtime as a keyed <see cref="IContainerRuntime"/>
    /// under its <see cref="IContainerRuntime.Name"/> (<c>builtin</c> here; <c>runc</c>, <c>crun</c>
    /// through <see cref="AddOciCliRuntime"/>): resolve one with
    /// <c>GetRequiredKeyedService&lt;IContainerRuntime&gt;("runc")</c>.
    /// </summary>
    public static IServiceCollection AddContainerRuntime(this IServiceCollection services, Action<BuiltinRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddContainersCore();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => new BuiltinRuntime(
            sp.GetRequiredService<IOptions<BuiltinRuntimeOptions>>(),
            sp.GetRequiredService<CgroupLayout>(),
            LoggerOf<BuiltinRuntime>(sp),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<BuiltinRuntime>());
        services.TryAddKeyedSingleton<IContainerRuntime>("builtin", (sp, _) => sp.GetRequiredService<BuiltinRuntime>());
        return services;
    }

    /// <summary>
    /// Adds an adapter for an OCI runtime's command line (<c>runc</c> by default, or <c>crun</c>) as the
    /// keyed <see cref="IContainerRuntime"/> <paramref name="name"/>, with the named
    /// <see cref="OciCliRuntimeOptions"/> of that name. The default runtime stays the built-in one.
    /// </summary>
    public static IServiceCollection AddOciCliRuntime(this IServiceCollection services, string name = "runc", Action<OciCliRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddContainerRuntime();
        services.Configure<OciCliRuntimeOptions>(name, options =>
        {
            options.Name = name;
            configure?.Invoke(options);
        });
        services.TryAddKeyedSingleton<IContainerRuntime>(name, (sp, _) => new OciCliRuntime(
            sp.GetRequiredService<IOptionsMonitor<OciCliRuntimeOptions>>().Get(name),
            LoggerOf<OciCliRuntime>(sp)));
        return services;
    }

    private static ILogger<T> LoggerOf<T>(IServiceProvider services) => services.GetService<ILogger<T>>() ?? NullLogger<T>.Instance;
}
