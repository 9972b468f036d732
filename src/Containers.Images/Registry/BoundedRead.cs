namespace Containers.Images.Registry;

/// <summary>Reading what a registry sends into memory, never more than a limit.</summary>
internal static class BoundedRead
{
    /// <summary>
    /// Reads at most <paramref name="limit"/> + 1 bytes of <paramref name="content"/>; the result
    /// is longer than <paramref name="limit"/> exactly when the content was. A declared
    /// <c>Content-Length</c> over the limit reads nothing.
    /// </summary>
    /// <param name="stall">Armed before each read, when the read must not stall.</param>
    public static async Task<byte[]> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken, StallGuard? stall = null)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            return new byte[limit + 1];
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[(int)Math.Min(limit + 1L, content.Headers.ContentLength is { } length ? length + 1 : 64 * 1024)];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        break;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(limit + 1L, buffer.Length * 2L));
                }

                stall?.Arm();
                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total == buffer.Length ? buffer : buffer[..total];
        }
    }
}
