namespace FiniteMemory;

/// <summary>
/// Writes the text of a rolling summary: the previous summary (if any) extended with messages that left the
/// window. The summarize stage keeps each request within <see cref="MaxInputTokens"/> (summarizing in parts
/// when needed), checks the result with its quality gate, and falls back to the extractive summarizer.
/// </summary>
public interface IConversationSummarizer
{
    /// <summary>A short name for reports and checkpoints (e.g. <c>extractive</c>, <c>llm</c>).</summary>
    string Name { get; }

    /// <summary>The most tokens one request may carry (previous summary plus messages); the stage splits larger inputs.</summary>
    int MaxInputTokens { get; }

    /// <summary>Summarizes <paramref name="request"/> in at most <see cref="SummaryRequest.TargetTokens"/> tokens.</summary>
    ValueTask<string> SummarizeAsync(SummaryRequest request, CancellationToken cancellationToken);
}
