namespace Containers.Orchestration.Controllers.Deployments;

/// <summary>The annotations and label the Deployment controller writes, as Kubernetes names them.</summary>
public static class DeploymentAnnotations
{
    /// <summary>On a Deployment and its ReplicaSets: the rollout revision.</summary>
    public const string Revision = "deployment.kubernetes.io/revision";

    /// <summary>On a ReplicaSet: the earlier revisions it stood for (after rollbacks), comma-separated.</summary>
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";

    /// <summary>On a ReplicaSet: the Deployment's replicas when it was last scaled.</summary>
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";

    /// <summary>On a ReplicaSet: the Deployment's replicas plus maxSurge when it was last scaled.</summary>
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";

    /// <summary>The label that tells a Deployment's ReplicaSets (and their pods) apart.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Annotations a Deployment does not pass on to its ReplicaSets, nor a rollback back to it.</summary>
    internal static bool IsSkipped(string key) =>
        key is Revision or RevisionHistory or DesiredReplicas or MaxReplicas or LastAppliedConfiguration or "deprecated.deployment.rollback.to";
}
