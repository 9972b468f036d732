using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Server.Admission;
using Containers.Orchestration.Server.Rbac;

namespace Containers.Orchestration.Server;

/// <summary>Settings of an <see cref="ApiServer"/>.</summary>
public sealed class ApiServerOptions
{
    /// <summary>Hooks run after the built-in ones (mutating ones, then validating ones, each in this order).</summary>
    public IList<IAdmissionHook> AdmissionHooks { get; } = [];

    /// <summary>Decides every request; null: RBAC over the store (<see cref="RbacAuthorizer"/>).</summary>
    public IAuthorizer? Authorizer { get; set; }

    /// <summary>
    /// At start, make the system namespaces (default, kube-system, kube-public, kube-node-lease) and
    /// the bootstrap RBAC roles and bindings (<see cref="BootstrapPolicy"/>) that are missing.
    /// </summary>
    public bool Bootstrap { get; set; } = true;

    /// <summary>
    /// Run the built-in controllers (garbage collector, namespace deletion, the end of graceful
    /// deletions) in the background once started. Off, they run only on
    /// <see cref="ApiServer.SettleAsync"/>.
    /// </summary>
    public bool RunBuiltInControllers { get; set; } = true;

    /// <summary>
    /// How often the built-in controllers look at everything even when no delete woke them (objects
    /// written to the store by other writers, such as another API server on the same etcd).
    /// </summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where several API servers share one store (etcd), elects the one whose built-in controllers
    /// run in the background (<see cref="ApiServer.ControllersLeaderElectionName"/>); the others
    /// serve requests only. Null, they always run, as fits a server alone on its store.
    /// </summary>
    public ILeaderElector? LeaderElector { get; set; }
}
