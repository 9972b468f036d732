using System.Text.RegularExpressions;
using Containers.Errors;

namespace Containers.Runtime;

/// <summary>What a container id may be: what runc accepts, and a safe directory name.</summary>
internal static partial class ContainerIds
{
    public static void Validate(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 128 || !Pattern().IsMatch(id) || id is "." or "..")
        {
            throw new InvalidArgumentException($"container id \"{id}\" is not valid; use 1 to 128 letters, digits, '_', '+', '-' and '.'");
        }
    }

    [GeneratedRegex(@"^[\w+\-.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
