namespace Containers.Orchestration.Server.Authentication;

/// <summary>Maps a bearer token to a user; one implementation per kind of credential.</summary>
public interface ITokenAuthenticator
{
    /// <summary>The user the token stands for, or null when this authenticator does not know it.</summary>
    ValueTask<UserInfo?> AuthenticateAsync(string token, CancellationToken cancellationToken = default);
}
