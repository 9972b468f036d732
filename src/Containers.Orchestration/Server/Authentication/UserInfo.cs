namespace Containers.Orchestration.Server.Authentication;

/// <summary>
/// Who makes a request, as authentication found them: a user name, an optional uid and the groups
/// RBAC subjects of kind Group match. Service accounts are users named
/// <c>system:serviceaccount:&lt;namespace&gt;:&lt;name&gt;</c> in the groups
/// <c>system:serviceaccounts</c> and <c>system:serviceaccounts:&lt;namespace&gt;</c>.
/// </summary>
public sealed record UserInfo
{
    public const string ServiceAccountPrefix = "system:serviceaccount:";

    public UserInfo(string name, IEnumerable<string>? groups = null, string? uid = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Groups = groups?.ToArray() ?? [];
        Uid = uid;
    }

    public string Name { get; }

    public string? Uid { get; }

    public IReadOnlyList<string> Groups { get; }

    /// <summary>The identity the control plane's own components use in process: a member of system:masters.</summary>
    public static UserInfo SystemAdmin { get; } = new("system:admin", [SystemGroups.Masters, SystemGroups.Authenticated]);

    public bool IsInGroup(string group) => Groups.Contains(group, StringComparer.Ordinal);

    /// <summary>The user a service account's credentials authenticate as, with its groups.</summary>
    public static UserInfo ForServiceAccount(string @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new UserInfo(
            $"{ServiceAccountPrefix}{@namespace}:{name}",
            [SystemGroups.ServiceAccounts, SystemGroups.ServiceAccounts + ":" + @namespace, SystemGroups.Authenticated]);
    }

    /// <summary>This user with <paramref name="group"/> added when it is missing.</summary>
    public UserInfo WithGroup(string group) => IsInGroup(group) ? this : new UserInfo(Name, [.. Groups, group], Uid);

    /// <summary>The namespace and name when this user is a service account.</summary>
    public bool TryGetServiceAccount(out string @namespace, out string name)
    {
        @namespace = name = string.Empty;
        if (!Name.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = Name.AsSpan(ServiceAccountPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1 || rest[(colon + 1)..].Contains(':'))
        {
            return false;
        }

        @namespace = rest[..colon].ToString();
        name = rest[(colon + 1)..].ToString();
        return true;
    }

    public override string ToString() => Name;
}
