namespace Containers.Images.Engine.Networking;

/// <summary>The network names with a fixed meaning, as Docker's.</summary>
internal static class NetworkModes
{
    /// <summary>A network namespace of its own with only <c>lo</c>.</summary>
    public const string None = "none";

    /// <summary>No network namespace of its own: the host's.</summary>
    public const string Host = "host";

    /// <summary>The engine's default bridge network.</summary>
    public const string Bridge = "bridge";

    public static bool IsPredefined(string name) => name is None or Host or Bridge;
}
