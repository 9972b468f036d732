using Containers.Orchestration.Controllers;
using Containers.Orchestration.Controllers.Leader;
using Containers.Orchestration.Server.Authentication;
using Containers.Orchestration.Server.Http;

namespace Containers.Orchestration.Server;

/// <summary>What a <see cref="ControlPlane"/> runs.</summary>
public sealed class ControlPlaneOptions
{
    public ApiServerOptions Server { get; } = new();

    /// <summary>Serve the API over HTTP too; null (the default) keeps it in process.</summary>
    public ApiHttpServerOptions? Http { get; set; }

    /// <summary>
    /// Register the controllers the controller manager runs (the scheduler among them), each
    /// called once with the manager before it starts.
    /// </summary>
    public IList<Action<ControllerManager>> Controllers { get; } = [];

    /// <summary>Who the controllers act as; a member of system:masters unless set.</summary>
    public UserInfo ControllerUser { get; set; } = new("system:kube-controller-manager", [SystemGroups.Masters, SystemGroups.Authenticated]);

    /// <summary>
    /// Elects the one controller manager that acts; an in-process lock unless set (an etcd lease
    /// for several processes). Unless <see cref="ApiServerOptions.LeaderElector"/> names another, it
    /// also elects whose API server runs the garbage collector and namespace deletion.
    /// </summary>
    public ILeaderElector? LeaderElector { get; set; }
}
