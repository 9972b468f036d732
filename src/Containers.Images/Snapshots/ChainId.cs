namespace Containers.Images.Snapshots;

/// <summary>
/// The OCI image spec's ChainID, which names a stack of layers: <c>ChainID(L0) = DiffID(L0)</c>
/// and <c>ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))</c>.
/// </summary>
public static class ChainId
{
    /// <summary>The ChainID of the stack whose lower part is <paramref name="parent"/> (none for the bottom layer) and top is <paramref name="diffId"/>.</summary>
    public static Digest Next(Digest? parent, Digest diffId)
    {
        if (parent is not { } lower)
        {
            return diffId;
        }

        var text = $"{lower} {diffId}";
        Span<byte> bytes = stackalloc byte[text.Length];
        var written = System.Text.Encoding.ASCII.GetBytes(text, bytes);
        return Digest.Compute(bytes[..written]);
    }

    /// <summary>The ChainID of each prefix of <paramref name="diffIds"/>, bottom first.</summary>
    public static IReadOnlyList<Digest> Compute(IReadOnlyList<Digest> diffIds)
    {
        ArgumentNullException.ThrowIfNull(diffIds);
        var chain = new Digest[diffIds.Count];
        Digest? parent = null;
        for (var i = 0; i < diffIds.Count; i++)
        {
            chain[i] = Next(parent, diffIds[i]);
            parent = chain[i];
        }

        return chain;
    }
}
