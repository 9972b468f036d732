using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Containers.Runtime.Spec;

namespace Containers.Runtime.Builtin;

/// <summary>
/// <c>state.json</c> by hand, with <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/>:
/// every CLI call reads or writes one, and the serializer's first-use metadata costs more than
/// the whole of the rest of a NativeAOT start.
/// </summary>
internal static class ContainerRecordJson
{
    public static byte[] Write(ContainerRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", record.Id);
            json.WriteString("bundle", record.Bundle);
            json.WriteNumber("pid", record.Pid);
            json.WriteNumber("pidStartTime", record.PidStartTime);
            json.WriteNumber("shimPid", record.ShimPid);
            json.WriteNumber("shimStartTime", record.ShimStartTime);
            json.WriteNumber("ownerPid", record.OwnerPid);
            json.WriteNumber("ownerStartTime", record.OwnerStartTime);
            json.WriteBoolean("dieWithOwner", record.DieWithOwner);
            json.WriteString("cgroupPath", record.CgroupPath);
            json.WriteStartArray("namespaces");
            foreach (var ns in record.Namespaces)
            {
                json.WriteStartObject();
                json.WriteString("type", ns.Type);
                if (ns.Path is not null)
                {
                    json.WriteString("path", ns.Path);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("created", record.Created.ToString("O", CultureInfo.InvariantCulture));
            if (record.Annotations is { } annotations)
            {
                json.WriteStartObject("annotations");
                foreach (var (key, value) in annotations)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="JsonException">The file is not a record this runtime wrote.</exception>
    public static ContainerRecord Read(ReadOnlyMemory<byte> bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var e = document.RootElement;
        try
        {
            return new ContainerRecord
            {
                Id = e.GetProperty("id").GetString()!,
                Bundle = e.GetProperty("bundle").GetString()!,
                Pid = e.GetProperty("pid").GetInt32(),
                PidStartTime = e.GetProperty("pidStartTime").GetUInt64(),
                ShimPid = e.GetProperty("shimPid").GetInt32(),
                ShimStartTime = e.GetProperty("shimStartTime").GetUInt64(),
                OwnerPid = e.GetProperty("ownerPid").GetInt32(),
                OwnerStartTime = e.GetProperty("ownerStartTime").GetUInt64(),
                DieWithOwner = e.GetProperty("dieWithOwner").GetBoolean(),
                CgroupPath = e.GetProperty("cgroupPath").GetString()!,
                Namespaces = e.GetProperty("namespaces").EnumerateArray()
                    .Select(n => new OciNamespace { Type = n.GetProperty("type").GetString()!, Path = n.TryGetProperty("path", out var p) ? p.GetString() : null })
                    .ToArray(),
                Created = DateTimeOffset.Parse(e.GetProperty("created").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Annotations = e.TryGetProperty("annotations", out var a)
                    ? a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
                    : null,
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"a field is missing or of the wrong type: {ex.Message}", ex);
        }
    }
}
