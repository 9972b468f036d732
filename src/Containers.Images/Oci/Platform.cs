using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Containers.Errors;

namespace Containers.Images;

/// <summary>The platform an image runs on: <c>linux/amd64</c>, <c>linux/arm64/v8</c>.</summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string OS { get; init; }

    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>The platform of this process, in OCI's words.</summary>
    public static Platform Current { get; } = new()
    {
        OS = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "unknown",
        Architecture = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            System.Runtime.InteropServices.Architecture.S390x => "s390x",
            System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
            System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
            var other => other.ToString().ToLowerInvariant(),
        },
        Variant = RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "v8" : null,
    };

    /// <summary>Parses <c>os/arch[/variant]</c>.</summary>
    public static Platform Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidArgumentException($"platform \"{value}\" must have the form os/arch or os/arch/variant, such as linux/amd64");
        }

        return new Platform
        {
            OS = parts[0].ToLowerInvariant(),
            Architecture = parts[1].ToLowerInvariant(),
            Variant = parts.Length == 3 ? parts[2].ToLowerInvariant() : null,
        };
    }

    /// <summary>
    /// True when an image for <paramref name="candidate"/> runs on this platform. A missing
    /// variant on either side matches any, as containerd's matcher does; arm64's v8 is the default.
    /// </summary>
    public bool Matches(Platform candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!string.Equals(OS, candidate.OS, StringComparison.Ordinal) ||
            !string.Equals(Architecture, candidate.Architecture, StringComparison.Ordinal))
        {
            return false;
        }

        var mine = NormalizeVariant(Architecture, Variant);
        var theirs = NormalizeVariant(candidate.Architecture, candidate.Variant);
        return mine is null || theirs is null || string.Equals(mine, theirs, StringComparison.Ordinal);
    }

    public override string ToString() => Variant is null ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";

    private static string? NormalizeVariant(string architecture, string? variant) =>
        architecture == "arm64" && variant is null ? "v8" : variant;
}
