namespace Containers.Images.Registry;

/// <summary>Where one blob of a pull or push stands.</summary>
public enum BlobTransferState
{
    /// <summary>Not started yet (waiting for a free slot).</summary>
    Waiting,

    /// <summary>Already there (in the local store for a pull, in the registry for a push): nothing to send.</summary>
    Exists,

    /// <summary>Mounted from another repository of the same registry (push).</summary>
    Mounted,

    /// <summary>Bytes are moving.</summary>
    Transferring,

    /// <summary>The transfer broke or stalled and is being retried (a download resumes where it stopped).</summary>
    Retrying,

    /// <summary>Complete and verified.</summary>
    Done,
}
