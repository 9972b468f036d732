using System.Globalization;
using Containers.Errors;

namespace Containers.Orchestration.Store;

/// <summary>
/// Resource versions are opaque strings to clients; stores make them the decimal form of their
/// store-wide revision (etcd's mod_revision). These convert between the two.
/// </summary>
public static class ResourceVersions
{
    public static string Format(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>The revision, or null for null, empty and "0" (which mean "the newest").</summary>
    /// <exception cref="InvalidArgumentException">The value is not a decimal revision.</exception>
    public static long? ParseOptional(string? resourceVersion) =>
        string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0" ? null : Parse(resourceVersion);

    /// <exception cref="InvalidArgumentException">The value is not a decimal revision.</exception>
    public static long Parse(string resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(resourceVersion);
        return long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) && revision >= 0
            ? revision
            : throw new InvalidArgumentException($"resourceVersion \"{resourceVersion}\" is not one this store made: pass back a metadata.resourceVersion read from it");
    }
}
