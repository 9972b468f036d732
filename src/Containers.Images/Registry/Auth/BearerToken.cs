namespace Containers.Images.Registry.Auth;

/// <summary>An access token from a token server, good for the registry it was asked for until <see cref="ExpiresAt"/>.</summary>
internal sealed record BearerToken(string Value, DateTimeOffset ExpiresAt)
{
    /// <summary>A token this close to its end is renewed rather than sent: it could expire on the way.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(5);

    public bool IsFresh(DateTimeOffset now) => now < ExpiresAt - RenewBefore;

    /// <summary>Never the token itself.</summary>
    public override string ToString() => $"token until {ExpiresAt:O}";
}
