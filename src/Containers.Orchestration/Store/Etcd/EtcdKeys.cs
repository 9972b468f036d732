using Google.Protobuf;

namespace Containers.Orchestration.Store.Etcd;

/// <summary>etcd keys are bytes: ours are the UTF-8 of <see cref="StoreKeys"/> paths.</summary>
internal static class EtcdKeys
{
    public static ByteString From(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>The range_end that, with <paramref name="prefix"/> as the key, selects every key starting with it.</summary>
    public static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes.AsSpan(0, i + 1));
            }
        }

        // A prefix of only 0xff bytes: to the end of the key space.
        return ByteString.CopyFrom(0);
    }

    /// <summary>The smallest key after <paramref name="key"/>: where the next page starts.</summary>
    public static ByteString After(string key) => ByteString.CopyFromUtf8(key + "\0");
}
