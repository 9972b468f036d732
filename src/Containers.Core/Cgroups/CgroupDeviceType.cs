namespace Containers.Cgroups;

/// <summary>The kind of device a <see cref="CgroupDeviceRule"/> covers.</summary>
public enum CgroupDeviceType
{
    /// <summary>Every device (<c>a</c>).</summary>
    All,

    /// <summary>Character devices (<c>c</c>).</summary>
    Char,

    /// <summary>Block devices (<c>b</c>).</summary>
    Block,
}
