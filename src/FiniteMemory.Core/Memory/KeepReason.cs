namespace FiniteMemory.Memory;

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
}
