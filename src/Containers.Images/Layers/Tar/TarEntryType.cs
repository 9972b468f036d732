namespace Containers.Images.Layers.Tar;

/// <summary>The kinds of tar entry a layer may hold; the values are the header's typeflag bytes.</summary>
public enum TarEntryType : byte
{
    RegularFile = (byte)'0',
    HardLink = (byte)'1',
    SymbolicLink = (byte)'2',
    CharacterDevice = (byte)'3',
    BlockDevice = (byte)'4',
    Directory = (byte)'5',
    Fifo = (byte)'6',
}
