using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// The messages a model sees for one turn, with their exact token total, the report of what was left
/// out, and the turn's statistics.
/// </summary>
public sealed class ContextWindow
{
    internal ContextWindow(WindowMessage[] messages, int tokens, int budget, int available, int estimatedRequestTokens, ReductionReport report, TurnStats stats)
    {
        Messages = messages;
        ChatMessages = new ChatMessageList(messages);
        Tokens = tokens;
        Budget = budget;
        Available = available;
        EstimatedRequestTokens = estimatedRequestTokens;
        Report = report;
        Stats = stats;
    }

    /// <summary>The window's messages, chronological.</summary>
    public IReadOnlyList<WindowMessage> Messages { get; }

    /// <summary>The same messages as M.E.AI chat messages, ready to send.</summary>
    public IReadOnlyList<ChatMessage> ChatMessages { get; }

    /// <summary>Sum of the messages' tokens (calibrated); never more than <see cref="Available"/>.</summary>
    public int Tokens { get; }

    /// <summary>The configured budget for the request.</summary>
    public int Budget { get; }

    /// <summary>Tokens that were available for messages (budget less reserve, request framing and tool schemas).</summary>
    public int Available { get; }

    /// <summary>Uncalibrated estimate of the whole request's input tokens (messages, framing, tools): what usage calibration compares the provider's count with.</summary>
    public int EstimatedRequestTokens { get; }

    /// <summary>What was kept, left out or shortened, and why.</summary>
    public ReductionReport Report { get; }

    /// <summary>This build's numbers.</summary>
    public TurnStats Stats { get; }
}
