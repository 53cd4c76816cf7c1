namespace FiniteMemory;

/// <summary>
/// The budget cannot hold what every window must contain (system and pinned messages, and at least a
/// truncated newest user message). The message names the numbers and the fix; nothing was changed.
/// </summary>
public sealed class MemoryBudgetException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public MemoryBudgetException(string message, int budget, int required)
        : base(message)
    {
        Budget = budget;
        Required = required;
    }

    /// <summary>Tokens available for messages.</summary>
    public int Budget { get; }

    /// <summary>Tokens the mandatory messages need.</summary>
    public int Required { get; }
}
