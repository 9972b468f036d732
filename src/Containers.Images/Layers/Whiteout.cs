namespace Containers.Images.Layers;

/// <summary>The OCI whiteout names: <c>.wh.&lt;name&gt;</c> deletes a lower path; <c>.wh..wh..opq</c> hides a directory's lower children.</summary>
public static class Whiteout
{
    public const string Prefix = ".wh.";

    public const string Opaque = ".wh..wh..opq";

    /// <summary>The prefix of aufs' own metadata (<c>.wh..wh.plnk</c>, <c>.wh..wh.aufs</c>), which carries nothing for a rootfs.</summary>
    internal const string MetaPrefix = ".wh..wh.";

    /// <summary>The name of the entry that deletes <paramref name="name"/> from lower layers.</summary>
    public static string For(string name) => Prefix + name;
}
