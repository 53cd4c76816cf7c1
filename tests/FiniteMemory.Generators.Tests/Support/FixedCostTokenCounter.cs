using Microsoft.Extensions.AI;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>
/// A token counter where every message costs <see cref="PerMessage"/> tokens and requests cost nothing extra,
/// so that what a window can hold is computed by hand (a budget of 50 holds exactly five messages). Text
/// costs one token per character, which only truncation looks at.
/// </summary>
internal sealed class FixedCostTokenCounter : ITokenCounter
{
    public const int PerMessage = 10;

    public static FixedCostTokenCounter Instance { get; } = new();

    public string Name => "fixed" + PerMessage;

    public int RequestOverhead => 0;

    public int CountTokens(ReadOnlySpan<char> text) => text.Length;

    public int CountMessage(ChatMessage message) => PerMessage;

    public int CountTools(IEnumerable<AITool>? tools) => 0;

    public int GetIndexByTokenCount(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        tokenCount = Math.Min(maxTokens, text.Length);
        return tokenCount;
    }

    public int GetIndexByTokenCountFromEnd(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        tokenCount = Math.Min(maxTokens, text.Length);
        return text.Length - tokenCount;
    }
}
