
namespace FiniteMemory;

/// <summary>One summarization: fold <see cref="Lines"/> into <see cref="PreviousSummary"/>.</summary>
/// <param name="PreviousSummary">The running summary so far, or null for the first one.</param>
/// <param name="Lines">The messages to fold in, chronological, one line each as <c>speaker: text</c>.</param>
/// <param name="TargetTokens">The most tokens the new summary may have.</param>
/// <param name="Counter">The counter the target is measured with.</param>
public sealed record SummaryRequest(string? PreviousSummary, IReadOnlyList<string> Lines, int TargetTokens, ITokenCounter Counter)
{
    /// <summary>On a retry, why the previous attempt was rejected (a model summarizer can use it).</summary>
    public string? Feedback { get; init; }
}
