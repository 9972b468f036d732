namespace Containers.Images.Registry.Auth;

/// <summary>
/// What a registry is logged in with: a user name and password (or access token used as one), or
/// an identity token, the OAuth2 refresh token Docker keeps as <c>identitytoken</c>.
/// </summary>
public sealed record RegistryCredential
{
    private RegistryCredential(string? username, string? password, string? identityToken)
    {
        Username = username;
        Password = password;
        IdentityToken = identityToken;
    }

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>An OAuth2 refresh token, exchanged at the token server for access tokens.</summary>
    public string? IdentityToken { get; }

    /// <summary>True when there is a user name and password to send as Basic credentials.</summary>
    public bool HasPassword => Username is not null && Password is not null;

    public static RegistryCredential FromPassword(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        return new RegistryCredential(username, password, null);
    }

    /// <summary>An identity token, with the user name it was issued to when known.</summary>
    public static RegistryCredential FromIdentityToken(string identityToken, string? username = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityToken);
        return new RegistryCredential(username, null, identityToken);
    }

    /// <summary>The <c>Basic</c> header parameter, base64 of <c>user:password</c>.</summary>
    internal string BasicParameter() => EncodeBasic(Username!, Password!);

    /// <summary>base64 of <c>user:password</c>, for a Basic header and Docker's <c>auth</c> field alike.</summary>
    internal static string EncodeBasic(string username, string password) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{username}:{password}"));

    /// <summary>Never the secrets: records print themselves in logs and test failures.</summary>
    public override string ToString() =>
        IdentityToken is not null ? $"identity token for {Username ?? "(unknown user)"}" : $"password of {Username}";
}
