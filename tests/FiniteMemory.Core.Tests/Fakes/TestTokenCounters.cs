using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Fakes;

/// <summary>
/// A counter where every message costs the same number of tokens, so that budgets and statistics can be
/// computed by hand. Text costs one token per character (only truncation looks at that).
/// </summary>
public sealed class FixedCostTokenCounter : ITokenCounter
{
    /// <summary>Creates the counter.</summary>
    public FixedCostTokenCounter(int perMessage, int requestOverhead = 0, int perTool = 0)
    {
        PerMessage = perMessage;
        RequestOverhead = requestOverhead;
        PerTool = perTool;
    }

    /// <summary>Tokens of every message.</summary>
    public int PerMessage { get; }

    /// <summary>Tokens of every tool definition.</summary>
    public int PerTool { get; }

    /// <inheritdoc />
    public string Name => "fixed" + PerMessage;

    /// <inheritdoc />
    public int RequestOverhead { get; }

    /// <inheritdoc />
    public int CountTokens(ReadOnlySpan<char> text) => text.Length;

    /// <inheritdoc />
    public int CountMessage(ChatMessage message) => PerMessage;

    /// <inheritdoc />
    public int CountTools(IEnumerable<AITool>? tools) => tools is null ? 0 : tools.Count() * PerTool;

    /// <inheritdoc />
    public int GetIndexByTokenCount(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        tokenCount = Math.Min(maxTokens, text.Length);
        return tokenCount;
    }

    /// <inheritdoc />
    public int GetIndexByTokenCountFromEnd(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        tokenCount = Math.Min(maxTokens, text.Length);
        return text.Length - tokenCount;
    }
}

/// <summary>Wraps a counter and counts how often each of its methods is called (thread-safe).</summary>
public sealed class CallCountingTokenCounter : ITokenCounter
{
    private readonly ITokenCounter _inner;
    private int _messageCalls;
    private int _toolCalls;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public CallCountingTokenCounter(ITokenCounter inner) => _inner = inner;

    /// <summary>Calls to <see cref="CountMessage"/> so far.</summary>
    public int CountMessageCalls => Volatile.Read(ref _messageCalls);

    /// <summary>Calls to <see cref="CountTools"/> so far.</summary>
    public int CountToolsCalls => Volatile.Read(ref _toolCalls);

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public int RequestOverhead => _inner.RequestOverhead;

    /// <inheritdoc />
    public int CountTokens(ReadOnlySpan<char> text) => _inner.CountTokens(text);

    /// <inheritdoc />
    public int CountMessage(ChatMessage message)
    {
        Interlocked.Increment(ref _messageCalls);
        return _inner.CountMessage(message);
    }

    /// <inheritdoc />
    public int CountTools(IEnumerable<AITool>? tools)
    {
        Interlocked.Increment(ref _toolCalls);
        return _inner.CountTools(tools);
    }

    /// <inheritdoc />
    public int GetIndexByTokenCount(ReadOnlySpan<char> text, int maxTokens, out int tokenCount) =>
        _inner.GetIndexByTokenCount(text, maxTokens, out tokenCount);

    /// <inheritdoc />
    public int GetIndexByTokenCountFromEnd(ReadOnlySpan<char> text, int maxTokens, out int tokenCount) =>
        _inner.GetIndexByTokenCountFromEnd(text, maxTokens, out tokenCount);
}
