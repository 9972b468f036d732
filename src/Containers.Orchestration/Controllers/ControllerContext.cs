using Containers.Orchestration.Api;
using Containers.Orchestration.Controllers.Client;
using Containers.Orchestration.Controllers.Informers;
using Containers.Orchestration.Controllers.Queue;
using Microsoft.Extensions.Logging;

namespace Containers.Orchestration.Controllers;

/// <summary>
/// What a controller is built with: the API, the shared informers, its own queue, the clock and
/// logging. A controller's constructor asks the informers for what it watches and adds handlers
/// that put keys on <see cref="Queue"/>; the host starts the informers and workers afterwards.
/// </summary>
public sealed class ControllerContext
{
    public ControllerContext(string name, IApiClient client, InformerFactory informers, WorkQueue<NamespacedName> queue, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Name = name;
        Client = client;
        Informers = informers;
        Queue = queue;
        Time = timeProvider;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The controller's name, such as <c>replicaset</c>.</summary>
    public string Name { get; }

    public IApiClient Client { get; }

    public InformerFactory Informers { get; }

    /// <summary>The keys this controller reconciles.</summary>
    public WorkQueue<NamespacedName> Queue { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>A handler that queues the key of every object that changes.</summary>
    public InformerHandler<T> EnqueueSelf<T>()
        where T : KubeObject =>
        InformerHandler.ForAll<T>(o => Queue.Add(o.Key));

    /// <summary>
    /// A handler that queues the key of the controller owner of every object that changes, when that
    /// owner is of kind <paramref name="ownerKind"/> (pods to their ReplicaSet, ReplicaSets to their
    /// Deployment); on an update that changes the owner, both old and new owners.
    /// </summary>
    public InformerHandler<T> EnqueueControllerOwner<T>(string ownerKind)
        where T : KubeObject
    {
        void EnqueueOwner(T obj)
        {
            if (obj.Metadata.ControllerReference is { } owner && owner.Kind == ownerKind)
            {
                Queue.Add(new NamespacedName(obj.Namespace, owner.Name));
            }
        }

        return new InformerHandler<T>
        {
            OnAdd = EnqueueOwner,
            OnUpdate = (old, now) =>
            {
                if (old.Metadata.ControllerReference?.Uid != now.Metadata.ControllerReference?.Uid)
                {
                    EnqueueOwner(old);
                }

                EnqueueOwner(now);
            },
            OnDelete = EnqueueOwner,
        };
    }
}
