namespace Containers.Orchestration.Api;

/// <summary>The <c>apiVersion</c> and <c>kind</c> that name an object's schema.</summary>
public readonly record struct TypeMeta(string ApiVersion, string Kind)
{
    /// <summary>The API group: empty for the core group (<c>v1</c>), else the part before the slash.</summary>
    public string Group => ApiVersion.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? ApiVersion[..slash] : string.Empty;

    /// <summary>The version: the whole apiVersion for the core group, else the part after the slash.</summary>
    public string Version => ApiVersion.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? ApiVersion[(slash + 1)..] : ApiVersion;

    public override string ToString() => $"{ApiVersion}, Kind={Kind}";
}
