using Containers.Errors;

namespace Containers.Images.Content;

/// <summary>
/// The errors of a blob whose bytes are not the ones its descriptor promised, worded once for every
/// reader that checks them (a verifying stream, a whole-blob read). <c>what</c> says where the blob
/// is, such as <c>blob in /var/lib/containers/content</c> or <c>layer from 127.0.0.1:5000</c>.
/// </summary>
internal static class BlobMismatch
{
    public static DigestMismatchException Longer(string what, Digest digest, long size) => new(
        $"{what} {digest.ToShortString()} has more than the {size} bytes its descriptor declares; refusing the rest",
        $"{size} bytes", $"more than {size} bytes");

    public static DigestMismatchException Shorter(string what, Digest digest, long read, long size) => new(
        $"{what} {digest.ToShortString()} ended after {read} bytes; its descriptor declares {size}",
        $"{size} bytes", $"{read} bytes");

    public static DigestMismatchException Content(string what, Digest expected, Digest actual) => new(
        $"{what} {expected} does not match its content, which hashes to {actual}; the copy is corrupt or was tampered with: delete it and fetch it again",
        expected.ToString(), actual.ToString());
}
