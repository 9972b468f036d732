namespace Containers.Orchestration.Api.Core;

/// <summary>The values of <see cref="Taint.Effect"/>.</summary>
public static class TaintEffect
{
    public const string NoSchedule = "NoSchedule";
    public const string PreferNoSchedule = "PreferNoSchedule";
    public const string NoExecute = "NoExecute";
}
