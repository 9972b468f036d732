namespace Containers.Images;

/// <summary>The <c>{}</c> value of Go's <c>map[string]struct{}</c> sets (exposed ports, volumes).</summary>
public sealed record EmptyObject
{
    public static readonly EmptyObject Instance = new();
}
