using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Server.Admission;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Rbac;
using Containers.Orchestration.Store;
using Containers.Orchestration.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Orchestration.Server;

/// <summary>
/// The Kubernetes API server's semantics over an <see cref="IStateStore"/>, in process, with no
/// HTTP: every request names its user and passes RBAC authorization, then admission (mutating
/// hooks, validation, validating hooks, escalation prevention for RBAC kinds), then the store.
/// It keeps Kubernetes' rules: generation starts at 1 and moves only with the desired state; uid and
/// creationTimestamp never change; status is written only through the status subresource;
/// finalizers and graceful deletion hold objects with a deletionTimestamp; deleting a namespace
/// deletes its contents; a garbage collector follows ownerReferences (background, foreground and
/// orphan propagation). <see cref="Http.ApiHttpServer"/> serves it over Kubernetes' REST paths.
/// </summary>
/// <remarks>
/// Errors are this platform's exceptions with Kubernetes' messages: <see cref="NotFoundException"/>,
/// <see cref="AlreadyExistsException"/>, <see cref="ConflictException"/>, <see cref="GoneException"/>,
/// <see cref="Validation.InvalidObjectException"/>, <see cref="ForbiddenException"/>; <see cref="StatusErrors"/>
/// turns them into Status objects. Start it (<see cref="StartAsync"/>) to make the system
/// namespaces and bootstrap roles and to run the built-in controllers.
/// </remarks>
public sealed partial class ApiServer : IAsyncDisposable
{
    /// <summary>The namespace finalizer the API server itself honours: the namespace's contents are deleted.</summary>
    public const string KubernetesFinalizer = "kubernetes";

    /// <summary>The finalizer of an owner deleted with <see cref="PropagationPolicy.Orphan"/>.</summary>
    public const string OrphanFinalizer = "orphan";

    /// <summary>The finalizer of an owner deleted with <see cref="PropagationPolicy.Foreground"/>.</summary>
    public const string ForegroundDeletionFinalizer = "foregroundDeletion";

    /// <summary>The name the built-in controllers of API servers sharing a store elect their leader under.</summary>
    public const string ControllersLeaderElectionName = "containers-apiserver-controllers";

    /// <summary>The namespaces the API server makes at start.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private const int MaxRetries = 8;
    private const long DefaultPodGracePeriodSeconds = 30;
    private static readonly DeleteOptions DefaultDeleteOptions = new();

    private readonly IStateStore _store;
    private readonly ApiServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMutatingAdmissionHook[] _mutating;
    private readonly IValidatingAdmissionHook[] _validating;
    private readonly RbacEscalationGuard _escalation;
    private readonly BuiltInControllers _controllers;
    private readonly ResourceType _namespaces;
    private readonly ResourceType _pods;
    private readonly ResourceType _serviceAccounts;

    public ApiServer(IStateStore store, ApiServerOptions? options = null, TimeProvider? timeProvider = null, ILogger<ApiServer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new ApiServerOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _namespaces = store.Registry.Get<Namespace>();
        _pods = store.Registry.Get<Pod>();
        _serviceAccounts = store.Registry.Get<ServiceAccount>();

        var resolver = new RbacRuleResolver(store);
        Authorizer = _options.Authorizer ?? new RbacAuthorizer(resolver);
        _escalation = new RbacEscalationGuard(Authorizer, resolver);

        var serviceAccounts = new ServiceAccountAdmission(store);
        // Kubernetes' order: the namespace must exist before anything in it is looked up.
        IAdmissionHook[] builtIn = [new NamespaceLifecycle(store), serviceAccounts, new DefaultTolerationSeconds()];
        var hooks = builtIn.Concat(_options.AdmissionHooks).ToArray();
        _mutating = [.. hooks.OfType<IMutatingAdmissionHook>()];
        _validating = [.. hooks.OfType<IValidatingAdmissionHook>()];
        _controllers = new BuiltInControllers(this, _time, _options.ResyncPeriod, _options.LeaderElector, _logger);
    }

    /// <summary>The store under this server; writing to it directly skips every rule of the API.</summary>
    public IStateStore Store => _store;

    public ResourceRegistry Registry => _store.Registry;

    /// <summary>The authorizer every request passes (RBAC unless the options gave another).</summary>
    public IAuthorizer Authorizer { get; }

    public TimeProvider TimeProvider => _time;

    /// <summary>
    /// Makes the system namespaces and the bootstrap RBAC objects that are missing (unless
    /// <see cref="ApiServerOptions.Bootstrap"/> is off), then starts the built-in controllers in the
    /// background (unless <see cref="ApiServerOptions.RunBuiltInControllers"/> is off).
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Bootstrap)
        {
            await BootstrapAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_options.RunBuiltInControllers)
        {
            _controllers.Start();
        }
    }

    /// <summary>
    /// Runs the built-in controllers (the end of expired graceful deletions, namespace deletion, the
    /// garbage collector) now, pass after pass, until a pass changes nothing: what a test or an
    /// application without background work calls to let deletions finish.
    /// </summary>
    public Task SettleAsync(CancellationToken cancellationToken = default) => _controllers.SettleAsync(cancellationToken);

    /// <summary>Checks a request that names no resource, such as <c>GET /version</c>.</summary>
    public ValueTask<AuthorizationDecision> AuthorizeAsync(AuthorizationAttributes attributes, CancellationToken cancellationToken = default) =>
        Authorizer.AuthorizeAsync(attributes, cancellationToken);

    public async ValueTask DisposeAsync() => await _controllers.DisposeAsync().ConfigureAwait(false);

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        var admin = UserInfo.SystemAdmin;
        foreach (var name in SystemNamespaces)
        {
            if (await _store.GetAsync(_namespaces, new NamespacedName(null, name), cancellationToken).ConfigureAwait(false) is null)
            {
                await CreateIfMissingAsync(new Namespace { Metadata = new ObjectMeta { Name = name } }).ConfigureAwait(false);
            }
            else
            {
                await EnsureDefaultServiceAccountAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (KubeObject obj in BootstrapPolicy.ClusterRoles.Cast<KubeObject>().Concat(BootstrapPolicy.ClusterRoleBindings))
        {
            if (await _store.GetAsync(Registry.Get(obj), obj.Key, cancellationToken).ConfigureAwait(false) is null)
            {
                await CreateIfMissingAsync(obj).ConfigureAwait(false);
            }
        }

        Log.Bootstrapped(_logger, _store);

        async Task CreateIfMissingAsync(KubeObject obj)
        {
            try
            {
                await CreateAsync(admin, obj, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (AlreadyExistsException)
            {
                // Another API server on the same store made it first.
            }
        }
    }

    /// <summary>Throws <see cref="ForbiddenException"/> with Kubernetes' message unless the authorizer allows the request.</summary>
    private async ValueTask AuthorizeOrThrowAsync(AuthorizationAttributes attributes, CancellationToken cancellationToken)
    {
        var decision = await Authorizer.AuthorizeAsync(attributes, cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                Log.Denied(_logger, attributes.User.Name, attributes.Verb, attributes.CombinedResource, attributes.Namespace, attributes.Name);
            }
            throw new ForbiddenException(attributes.ForbiddenMessage(decision.Reason));
        }
    }

    /// <summary>The registered kind of <paramref name="obj"/>, by its apiVersion and kind.</summary>
    private ResourceType TypeOf(KubeObject obj) =>
        Registry.Find(obj.ApiVersion, obj.Kind)
        ?? throw new InvalidArgumentException($"no kind \"{obj.Kind}\" is registered for version \"{obj.ApiVersion}\": check apiVersion and kind");

    /// <summary>The namespace of <paramref name="obj"/> for its kind: required for namespaced kinds, none for the others.</summary>
    private static string? NamespaceOf(ResourceType type, KubeObject obj)
    {
        if (!type.Namespaced)
        {
            return null;
        }

        return obj.Namespace ?? throw Invalid(type, obj.Name, new FieldError(FieldErrorType.Required, "metadata.namespace", Detail: $"a {type.Kind} lives in a namespace"));
    }

    private static NamespacedName KeyOf(ResourceType type, KubeObject obj)
    {
        var ns = NamespaceOf(type, obj);
        if (string.IsNullOrEmpty(obj.Metadata.Name))
        {
            throw Invalid(type, string.Empty, new FieldError(FieldErrorType.Required, "metadata.name", Detail: "name is required"));
        }

        return new NamespacedName(ns, obj.Name);
    }

    private DateTimeOffset Now()
    {
        // Kubernetes times have whole seconds; keep them so that what a read returns is what a
        // store that round-trips JSON would return.
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static InvalidObjectException Invalid(ResourceType type, string name, params FieldError[] errors) =>
        new(type.Kind, type.Group, name, errors);

    private static NotFoundException NotFound(ResourceType type, string name, Exception? inner = null) =>
        new($"{type.GroupResource} \"{name}\" not found", inner);

    private static ConflictException Conflict(ResourceType type, string name, Exception? inner = null) =>
        new($"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", inner);
}
