using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Counts tokens the way a model provider bills them: text, tool calls, tool results and the
/// fixed framing each chat message and each request costs.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe: one counter is shared by every session that uses the same
/// vocabulary, because loading a vocabulary is the expensive part.
/// </remarks>
public interface ITokenCounter
{
    /// <summary>A short name for the vocabulary, e.g. <c>o200k</c>; recorded in checkpoints and reports.</summary>
    string Name { get; }

    /// <summary>Tokens the provider adds to every request regardless of its messages (reply priming).</summary>
    int RequestOverhead { get; }

    /// <summary>Counts the tokens of plain text.</summary>
    int CountTokens(ReadOnlySpan<char> text);

    /// <summary>Counts one chat message as sent to a model: framing, role, author name and every content.</summary>
    int CountMessage(ChatMessage message);

    /// <summary>Counts the tool definitions a request advertises, which providers bill as input tokens.</summary>
    int CountTools(IEnumerable<AITool>? tools);

    /// <summary>
    /// Returns the largest index <c>i</c> such that the tokens of <paramref name="text"/> lying entirely
    /// inside <c>text[..i]</c> number at most <paramref name="maxTokens"/>.
    /// </summary>
    int GetIndexByTokenCount(ReadOnlySpan<char> text, int maxTokens, out int tokenCount);

    /// <summary>
    /// Returns the smallest index <c>i</c> such that the tokens of <paramref name="text"/> lying entirely
    /// inside <c>text[i..]</c> number at most <paramref name="maxTokens"/>.
    /// </summary>
    int GetIndexByTokenCountFromEnd(ReadOnlySpan<char> text, int maxTokens, out int tokenCount);
}
