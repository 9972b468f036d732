using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// Operations that return a new image and leave the old one as it was. The new manifest and
/// config are serialized only when they are first read. Maps (labels, ports) are kept sorted by
/// key, as Go's encoder writes them, so the same edits always give the same digest.
/// </summary>
public static class Mutate
{
    /// <summary>Adds layers on top, each with a history entry (one is made up when none is given).</summary>
    public static IImage AppendLayers(IImage image, params ILayer[] layers) =>
        AppendLayers(image, layers.Select(l => new LayerAddition(l, null)));

    public static IImage AppendLayers(IImage image, IEnumerable<LayerAddition> additions)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(additions);
        var added = additions.ToList();
        var config = image.Config;
        var history = AlignedHistory(image);
        foreach (var (layer, entry) in added)
        {
            if (!(layer.MediaType.IsLayer))
            {
                throw new InvalidArgumentException($"blob {layer.Digest} has media type \"{layer.MediaType}\", which is not a layer");
            }

            if (image.MediaType.IsDocker && layer.MediaType.Compression == LayerCompression.Zstd)
            {
                throw new InvalidArgumentException($"layer {layer.Digest} is zstd, which Docker schema 2 manifests cannot carry; convert the image to OCI first");
            }

            history.Add(entry ?? new HistoryEntry { Created = config.Created, CreatedBy = "containers: append layer", Comment = null });
        }

        var newConfig = config with
        {
            RootFs = config.RootFs with { DiffIds = [.. config.RootFs.DiffIds, .. added.Select(a => a.Layer.DiffId)] },
            History = history,
        };
        return Rebuild(image, newConfig, [.. image.Layers, .. added.Select(a => a.Layer)]);
    }

    /// <summary>Replaces the container config with what <paramref name="edit"/> makes of it.</summary>
    public static IImage WithContainerConfig(IImage image, Func<ContainerConfig, ContainerConfig> edit)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(edit);
        var current = image.Config.Config ?? new ContainerConfig();
        return WithConfig(image, c => c with { Config = edit(current) });
    }

    /// <summary>Replaces the whole image config (the DiffIDs must still match the layers).</summary>
    public static IImage WithConfig(IImage image, Func<ImageConfiguration, ImageConfiguration> edit)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(edit);
        var config = edit(image.Config);
        if (config.RootFs.DiffIds.Count != image.Layers.Count)
        {
            throw new InvalidArgumentException($"the edited config lists {config.RootFs.DiffIds.Count} diff_ids for {image.Layers.Count} layers; use AppendLayers to add layers");
        }

        return Rebuild(image, config, image.Layers);
    }

    /// <summary>Sets environment variables (<c>KEY=value</c>); a key set again replaces the old value in place.</summary>
    public static IImage SetEnv(IImage image, params string[] variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (var variable in variables)
        {
            if (variable.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new InvalidArgumentException($"environment variable \"{variable}\" must have the form KEY=value");
            }
        }

        return WithContainerConfig(image, c => c with { Env = MergeEnv(c.Env, variables) });
    }

    public static IImage SetEntrypoint(IImage image, params string[]? entrypoint) =>
        WithContainerConfig(image, c => c with { Entrypoint = entrypoint });

    public static IImage SetCmd(IImage image, params string[]? cmd) =>
        WithContainerConfig(image, c => c with { Cmd = cmd });

    public static IImage SetWorkingDir(IImage image, string? workingDir)
    {
        if (workingDir is not null && !workingDir.StartsWith('/'))
        {
            throw new InvalidArgumentException($"working directory \"{workingDir}\" must be an absolute path");
        }

        return WithContainerConfig(image, c => c with { WorkingDir = workingDir });
    }

    public static IImage SetUser(IImage image, string? user) =>
        WithContainerConfig(image, c => c with { User = user });

    /// <summary>Adds or replaces labels; a null value removes the label.</summary>
    public static IImage SetLabels(IImage image, IReadOnlyDictionary<string, string?> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return WithContainerConfig(image, c => c with { Labels = MergeLabels(c.Labels, labels) });
    }

    /// <summary>Adds exposed ports such as <c>80/tcp</c> or <c>53/udp</c> (a bare number means tcp).</summary>
    public static IImage SetExposedPorts(IImage image, params string[] ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var normalized = ports.Select(NormalizePort).ToList();
        return WithContainerConfig(image, c => c with { ExposedPorts = MergePorts(c.ExposedPorts, normalized) });
    }

    /// <summary>Sets the image's creation time.</summary>
    public static IImage SetCreated(IImage image, DateTimeOffset created) =>
        WithConfig(image, c => c with { Created = created });

    /// <summary>Adds a history entry that adds no layer (ENV, CMD and the like in a Dockerfile).</summary>
    public static IImage AddHistory(IImage image, HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WithConfig(image, c => c with { History = [.. AlignedHistory(image), entry with { EmptyLayer = true }] });
    }

    /// <summary>
    /// The history, with a placeholder in front for each existing layer it does not account for
    /// (images made without history), so that entries added after it line up with their layers.
    /// </summary>
    private static List<HistoryEntry> AlignedHistory(IImage image)
    {
        var history = image.Config.History?.ToList() ?? [];
        var missing = image.Layers.Count - history.Count(h => h.EmptyLayer != true);
        var placeholder = new HistoryEntry { Created = image.Config.Created, CreatedBy = "containers: layer without history" };
        history.InsertRange(0, Enumerable.Repeat(placeholder, Math.Max(0, missing)));
        return history;
    }

    /// <summary>
    /// <paramref name="env"/> with <paramref name="variables"/> (<c>KEY=value</c>, checked by the
    /// caller) set: a key set again replaces the old value in place, a new key goes last.
    /// </summary>
    internal static List<string> MergeEnv(IReadOnlyList<string>? env, IEnumerable<string> variables)
    {
        var merged = env?.ToList() ?? [];
        foreach (var variable in variables)
        {
            var key = variable[..(variable.IndexOf('=', StringComparison.Ordinal) + 1)];
            var at = merged.FindIndex(e => e.StartsWith(key, StringComparison.Ordinal));
            if (at >= 0)
            {
                merged[at] = variable;
            }
            else
            {
                merged.Add(variable);
            }
        }

        return merged;
    }

    /// <summary><paramref name="labels"/> over <paramref name="existing"/>, sorted by key; a null value removes the label.</summary>
    internal static SortedDictionary<string, string> MergeLabels(IReadOnlyDictionary<string, string>? existing, IEnumerable<KeyValuePair<string, string?>> labels)
    {
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in existing ?? new Dictionary<string, string>())
        {
            merged[k] = v;
        }

        foreach (var (k, v) in labels)
        {
            if (v is null)
            {
                merged.Remove(k);
            }
            else
            {
                merged[k] = v;
            }
        }

        return merged;
    }

    /// <summary>The union of <paramref name="existing"/> and <paramref name="normalized"/> ports, sorted.</summary>
    internal static SortedDictionary<string, EmptyObject> MergePorts(IReadOnlyDictionary<string, EmptyObject>? existing, IEnumerable<string> normalized)
    {
        var set = new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var key in (existing?.Keys ?? Enumerable.Empty<string>()).Concat(normalized))
        {
            set[key] = EmptyObject.Instance;
        }

        return set;
    }

    /// <summary><c>80</c> becomes <c>80/tcp</c>; the protocol is checked and lowered.</summary>
    internal static string NormalizePort(string port)
    {
        var parts = port.Split('/');
        var protocol = parts.Length == 2 ? parts[1].ToLowerInvariant() : "tcp";
        if (parts.Length > 2 || !ushort.TryParse(parts[0], out var number) || number == 0 || protocol is not ("tcp" or "udp" or "sctp"))
        {
            throw new InvalidArgumentException($"port \"{port}\" must be a number from 1 to 65535, optionally with /tcp, /udp or /sctp");
        }

        return $"{number}/{protocol}";
    }

    private static Image Rebuild(IImage image, ImageConfiguration config, IReadOnlyList<ILayer> layers) =>
        Image.FromParts(image.MediaType, config, layers, image.Manifest.Annotations);
}
