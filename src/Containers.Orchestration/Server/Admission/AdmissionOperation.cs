namespace Containers.Orchestration.Server.Admission;

/// <summary>The kind of write an admission hook is asked about.</summary>
public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
}
