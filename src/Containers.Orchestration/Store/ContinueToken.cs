using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Containers.Errors;

namespace Containers.Orchestration.Store;

/// <summary>
/// The opaque <c>continue</c> token of a paged list: the revision the first page was read at and
/// the last key it returned, so every page reads the same snapshot (as Kubernetes' etcd storage does).
/// </summary>
internal static class ContinueToken
{
    public static string Encode(long revision, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{revision.ToString(CultureInfo.InvariantCulture)}\n{lastKey}"));

    /// <exception cref="InvalidArgumentException">The token was not made by <see cref="Encode"/>.</exception>
    public static (long Revision, string LastKey) Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline > 0 && long.TryParse(text.AsSpan(0, newline), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
            {
                return (revision, text[(newline + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidArgumentException($"continue token \"{token}\" is not valid: pass back the continue value of the previous page unchanged");
    }
}
