namespace Containers.Orchestration.Validation;

/// <summary>A bad value printed as it is, unquoted, such as Go's <c>map[string]string{"app":"web"}</c>.</summary>
internal sealed record LiteralValue(string Text)
{
    public override string ToString() => Text;
}
