using Containers.Orchestration.Api;

namespace Containers.Orchestration.Store;

/// <summary>
/// Turns a raw change (object before and after) into what a watcher with selectors sees, as
/// Kubernetes' watch cache does: a change that makes an object start matching is Added, one that
/// makes it stop matching is Deleted, and changes to objects that match neither before nor after are
/// not sent. Shared by the store implementations.
/// </summary>
public sealed class WatchFilter
{
    private readonly ResourceType _type;
    private readonly LabelSelector? _labels;
    private readonly FieldSelector? _fields;

    public WatchFilter(ResourceType type, LabelSelector? labels, FieldSelector? fields)
    {
        ArgumentNullException.ThrowIfNull(type);
        fields?.ValidateFor(type);
        _type = type;
        _labels = labels is { IsEmpty: false } ? labels : null;
        _fields = fields is { IsEmpty: false } ? fields : null;
    }

    public bool IsEverything => _labels is null && _fields is null;

    public bool Matches(KubeObject obj) =>
        (_labels is null || _labels.Matches(obj)) && (_fields is null || _fields.Matches(obj, _type));

    /// <summary>
    /// The event to send for a change from <paramref name="previous"/> (null for a create) to
    /// <paramref name="current"/> (null for a delete, when <paramref name="deleted"/> is the object as
    /// it last was, with the revision of the delete), or null when this watcher sees nothing.
    /// </summary>
    public WatchEvent? Apply(KubeObject? previous, KubeObject? current, KubeObject? deleted, string resourceVersion)
    {
        if (current is null)
        {
            ArgumentNullException.ThrowIfNull(deleted);
            return previous is not null && Matches(previous) ? new WatchEvent(WatchEventType.Deleted, deleted, resourceVersion) : null;
        }

        var now = Matches(current);
        if (previous is null)
        {
            return now ? new WatchEvent(WatchEventType.Added, current, resourceVersion) : null;
        }

        if (IsEverything)
        {
            return new WatchEvent(WatchEventType.Modified, current, resourceVersion);
        }

        var before = Matches(previous);
        return (before, now) switch
        {
            (true, true) => new WatchEvent(WatchEventType.Modified, current, resourceVersion),
            (false, true) => new WatchEvent(WatchEventType.Added, current, resourceVersion),
            (true, false) => new WatchEvent(WatchEventType.Deleted, current, resourceVersion),
            _ => null,
        };
    }
}
