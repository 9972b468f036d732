using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Containers.Cli.Output;
using Containers.Errors;
using Containers.Orchestration.Api;
using Containers.Orchestration.Serialization;
using Containers.Orchestration.Server.Http;
using Containers.Orchestration.Store;

namespace Containers.Cli.Commands.Cluster;

/// <summary><c>containers cluster get</c> and <c>describe</c>, as kubectl prints them.</summary>
internal static class GetCommand
{
    public static Command Create(CliContext cli, ClusterConnection connection)
    {
        var kind = new Argument<string>("kind") { Description = "The kind: pods, deployments, deploy, deployment.apps…" };
        var names = new Argument<string[]>("name") { Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "yaml, json, wide or name (default: a table)" };
        var selector = new Option<string?>("--selector", "-l") { Description = "A label selector, such as app=web,tier!=db" };
        var fieldSelector = new Option<string?>("--field-selector") { Description = "A field selector, such as status.phase=Running" };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Across every namespace" };
        var command = new Command("get", "Print objects") { kind, names, output, selector, fieldSelector, all };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, ns) = connection.Open(result);
            using (client)
            {
                var (type, named) = KindAndNames(result.GetRequiredValue(kind), result.GetValue(names) ?? []);
                var allNamespaces = result.GetValue(all) && type.Namespaced;
                IReadOnlyList<KubeObject> items;
                if (named.Count > 0)
                {
                    var found = new List<KubeObject>();
                    foreach (var name in named)
                    {
                        found.Add(await client.GetAsync(type, new NamespacedName(type.Namespaced ? ns : null, name), cancellationToken: cancellationToken).ConfigureAwait(false));
                    }

                    items = found;
                }
                else
                {
                    var list = await client.ListAsync(type, allNamespaces ? null : ns, new ListOptions
                    {
                        LabelSelector = result.GetValue(selector) is { } l ? LabelSelector.Parse(l) : null,
                        FieldSelector = result.GetValue(fieldSelector) is { } f ? FieldSelector.Parse(f) : null,
                    }, cancellationToken).ConfigureAwait(false);
                    items = list.Items;
                }

                await PrintAsync(cli.Output, type, items, single: named.Count == 1, result.GetValue(output), allNamespaces, type.Namespaced ? ns : null).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    public static Command Describe(CliContext cli, ClusterConnection connection)
    {
        var kind = new Argument<string>("kind");
        var names = new Argument<string[]>("name") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("describe", "Show objects in detail") { kind, names };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (client, ns) = connection.Open(result);
            using (client)
            {
                var (type, named) = KindAndNames(result.GetRequiredValue(kind), result.GetValue(names) ?? []);
                IReadOnlyList<KubeObject> items = named.Count == 0
                    ? (await client.ListAsync(type, ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items
                    : [.. await Task.WhenAll(named.Select(n => client.GetAsync(type, new NamespacedName(type.Namespaced ? ns : null, n), cancellationToken: cancellationToken))).ConfigureAwait(false)];
                var first = true;
                foreach (var item in items)
                {
                    if (!first)
                    {
                        await cli.Output.WriteLineAsync().ConfigureAwait(false);
                    }

                    first = false;
                    await cli.Output.WriteAsync(DescribeText(item)).ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>kubectl describe's layout: the identity fields, then the rest of the object as indented YAML, then events.</summary>
    public static string DescribeText(KubeObject obj)
    {
        var meta = obj.Metadata;
        var text = new StringBuilder();
        void Field(string name, string? value) => text.Append(CultureInfo.InvariantCulture, $"{name + ":",-20}{value}\n");
        string Map(IReadOnlyDictionary<string, string> map) => map.Count == 0 ? "<none>" : string.Join("\n" + new string(' ', 20), map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        Field("Name", obj.Name);
        if (obj.Namespace is { } ns)
        {
            Field("Namespace", ns);
        }

        Field("Kind", obj.Kind);
        Field("Labels", Map(meta.Labels));
        Field("Annotations", Map(meta.Annotations.Where(kv => kv.Key != ApplyCommand.LastAppliedAnnotation).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)));
        Field("CreationTimestamp", meta.CreationTimestamp?.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        if (meta.DeletionTimestamp is { } deleting)
        {
            Field("DeletionTimestamp", deleting.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        }

        if (meta.ControllerReference is { } controller)
        {
            Field("Controlled By", $"{controller.Kind}/{controller.Name}");
        }

        using var json = JsonDocument.Parse(KubeJson.SerializeToUtf8Bytes(obj));
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            text.Append(char.ToUpperInvariant(property.Name[0])).Append(property.Name.AsSpan(1)).Append(":\n");
            var yaml = KubeYaml.JsonToYamlText([Encoding.UTF8.GetBytes(property.Value.GetRawText())]);
            foreach (var line in yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line is "---" or "{}")
                {
                    continue;
                }

                text.Append("  ").Append(line).Append('\n');
            }
        }

        text.Append("Events:             <none>\n");
        return text.ToString();
    }

    private static (ResourceType Type, List<string> Names) KindAndNames(string kind, string[] names)
    {
        if (kind.Contains('/', StringComparison.Ordinal))
        {
            var (type, name) = ClusterCommand.KindAndName(kind, null);
            return (type, [name, .. names]);
        }

        return (ClusterCommand.ResolveKind(kind), [.. names]);
    }

    private static async Task PrintAsync(TextWriter output, ResourceType type, IReadOnlyList<KubeObject> items, bool single, string? format, bool allNamespaces, string? ns)
    {
        switch (format)
        {
            case "yaml":
                await output.WriteAsync(single ? KubeYaml.Serialize(items[0]) : KubeYaml.JsonToYamlText([ListJson(items, indented: false)])).ConfigureAwait(false);
                return;
            case "json":
                var json = single ? Indented(KubeJson.SerializeToUtf8Bytes(items[0])) : ListJson(items, indented: true);
                await output.WriteLineAsync(Encoding.UTF8.GetString(json)).ConfigureAwait(false);
                return;
            case "name":
                foreach (var item in items)
                {
                    await output.WriteLineAsync(ClusterCommand.Display(type, item.Name)).ConfigureAwait(false);
                }

                return;
            case null or "" or "wide":
                if (items.Count == 0)
                {
                    // kubectl says this on stderr; stdout stays empty for scripts.
                    await Console.Error.WriteLineAsync(ns is null || allNamespaces ? "No resources found" : $"No resources found in {ns} namespace.").ConfigureAwait(false);
                    return;
                }

                await KubeTable.For(type, items, allNamespaces, format == "wide", DateTimeOffset.UtcNow).WriteToAsync(output).ConfigureAwait(false);
                return;
            default:
                throw new InvalidArgumentException($"unable to match a printer suitable for the output format \"{format}\", allowed formats are: json,name,wide,yaml");
        }
    }

    private static byte[] ListJson(IReadOnlyList<KubeObject> items, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, "v1");
            writer.WriteStartArray("items"u8);
            foreach (var item in items)
            {
                KubeJson.Serialize(writer, item);
            }

            writer.WriteEndArray();
            writer.WriteString("kind"u8, "List");
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("resourceVersion"u8, string.Empty);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Indented(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
