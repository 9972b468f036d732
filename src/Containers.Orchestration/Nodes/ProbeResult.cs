namespace Containers.Orchestration.Nodes;

/// <summary>The outcome of one probe run.</summary>
public enum ProbeResult
{
    Success,
    Failure,

    /// <summary>The probe could not run (the container is not running); changes nothing.</summary>
    Unknown,
}
