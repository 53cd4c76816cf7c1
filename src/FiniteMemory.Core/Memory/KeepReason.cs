namespace FiniteMemory;

/// <summary>Why a message is in a window.</summary>
public enum KeepReason
{
    /// <summary>A system message: always kept.</summary>
    System,

    /// <summary>A pinned message: always kept.</summary>
    Pinned,

    /// <summary>The newest user message, the one the model is answering: always kept, truncated only if it cannot fit whole.</summary>
    Query,

    /// <summary>Among the newest messages that fit.</summary>
    Recent,

    /// <summary>Chosen by a scoring stage (relevance, importance …) among older messages.</summary>
    Selected,

    /// <summary>Part of the conversation's opening turns, kept by <see cref="Stages.PinStage.KeepOpening"/>.</summary>
    Opening,

    /// <summary>
    /// The rolling summary of older, evicted messages: not a transcript message (its index is -1); placed after
    /// the leading system messages. The report's summarized ids list the messages it covers.
    /// </summary>
    Summary,
}
