namespace Containers.Orchestration.Api;

/// <summary>
/// The operators of <see cref="LabelSelectorRequirement"/>, spelled as in JSON. The object form
/// (<c>matchExpressions</c>) accepts In, NotIn, Exists and DoesNotExist; Gt and Lt come only from the
/// string form (<c>tier&gt;2</c>) and node selector terms.
/// </summary>
public static class LabelSelectorOperator
{
    public const string In = "In";
    public const string NotIn = "NotIn";
    public const string Exists = "Exists";
    public const string DoesNotExist = "DoesNotExist";
    public const string Gt = "Gt";
    public const string Lt = "Lt";
}
