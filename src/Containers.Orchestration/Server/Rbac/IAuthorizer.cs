namespace Containers.Orchestration.Server.Rbac;

/// <summary>Decides whether a request may go ahead.</summary>
public interface IAuthorizer
{
    ValueTask<AuthorizationDecision> AuthorizeAsync(AuthorizationAttributes attributes, CancellationToken cancellationToken = default);
}
