namespace Containers.Orchestration.Server.Admission;

/// <summary>A Namespace's status.phase values.</summary>
internal static class NamespacePhases
{
    public const string Active = "Active";
    public const string Terminating = "Terminating";
}
