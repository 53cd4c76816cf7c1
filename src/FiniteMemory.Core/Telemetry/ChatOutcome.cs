namespace FiniteMemory;

/// <summary>How a chat turn ended.</summary>
public enum ChatOutcome
{
    /// <summary>The model answered and memory recorded the answer.</summary>
    Completed,

    /// <summary>The turn was cancelled; see the session docs for what memory kept.</summary>
    Cancelled,

    /// <summary>The window could not be built or the model call failed; memory is as it was before the turn.</summary>
    Failed,
}
