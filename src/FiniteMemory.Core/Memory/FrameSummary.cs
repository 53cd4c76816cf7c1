using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>A summary placed in a window by a summarizing stage (see <see cref="MemoryFrame.TrySetSummary(Microsoft.Extensions.AI.ChatMessage, IReadOnlyList{string})"/>).</summary>
/// <param name="Message">The summary message the model sees.</param>
/// <param name="Covers">Ids of the transcript messages it stands for, chronological.</param>
/// <param name="Tokens">Its cost in this window (calibrated).</param>
/// <param name="RawTokens">Its uncalibrated token count.</param>
public sealed record FrameSummary(ChatMessage Message, IReadOnlyList<string> Covers, int Tokens, int RawTokens)
{
    /// <summary>The id the summary has in windows and reports.</summary>
    public const string Id = "fm:summary";
}
