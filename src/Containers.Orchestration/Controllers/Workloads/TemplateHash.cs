using System.Globalization;
using Containers.Orchestration.Api.Core;
using Containers.Orchestration.Serialization;

namespace Containers.Orchestration.Controllers.Workloads;

/// <summary>
/// The short hash that names a pod template's revision (the <c>pod-template-hash</c> label and
/// ReplicaSet suffix of Deployments, ControllerRevision names of StatefulSets and DaemonSets), in
/// Kubernetes' form: FNV-32a over the template (here, its canonical JSON) and the collision count,
/// the decimal number written with the consonant-and-digit alphabet that cannot spell words.
/// </summary>
public static class TemplateHash
{
    private const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(PodTemplateSpec template, int? collisionCount = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var hash = new FnvHash();
        hash.Append(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(template, KubeJson.GetTypeInfo<PodTemplateSpec>()));
        if (collisionCount is { } c)
        {
            Span<byte> bytes = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)c);
            hash.Append(bytes);
        }

        return SafeEncode(hash.Value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Each character mapped into an alphabet without vowels (kube's SafeEncodeString).</summary>
    public static string SafeEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = Alphanums[s[i] % Alphanums.Length];
            }
        });
    }

    /// <summary>FNV-1a, 32 bits.</summary>
    private struct FnvHash
    {
        private uint _value;
        private bool _started;

        public readonly uint Value => _started ? _value : 2166136261;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (!_started)
            {
                _value = 2166136261;
                _started = true;
            }

            foreach (var b in data)
            {
                _value ^= b;
                _value *= 16777619;
            }
        }
    }
}
