using FiniteMemory.Local;

namespace FiniteMemory.Testing;

/// <summary>
/// Wraps a model and keeps, for every cache it hands out, the token ids the cache holds, so tests can compare what
/// two runs actually computed and check that a cache's content always matches what its owner believes.
/// </summary>
public sealed class TracingModel(ICausalLanguageModel inner) : ICausalLanguageModel
{
    /// <summary>The wrapped model.</summary>
    public ICausalLanguageModel Inner { get; } = inner;

    /// <summary>The ids held by the cache most recently forwarded.</summary>
    public IReadOnlyList<int> LastCacheIds { get; private set; } = [];

    /// <summary>Tokens computed over all forward calls.</summary>
    public int ComputedTokens { get; private set; }

    /// <summary>When set, the next forward call throws this (once).</summary>
    public Exception? FailNext { get; set; }

    /// <inheritdoc />
    public ModelConfig Config => Inner.Config;

    /// <inheritdoc />
    public IKeyValueCache CreateCache() => new Traced(Inner.CreateCache());

    /// <inheritdoc />
    public void Forward(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits)
    {
        var traced = (Traced)cache;
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        Inner.Forward(traced.Inner, tokens, logits);
        traced.Ids.AddRange(tokens);
        ComputedTokens += tokens.Length;
        LastCacheIds = traced.Ids;
    }

    /// <inheritdoc />
    public void Dispose() => Inner.Dispose();

    private sealed class Traced(IKeyValueCache inner) : IKeyValueCache
    {
        public IKeyValueCache Inner { get; } = inner;

        public List<int> Ids { get; } = [];

        public int Length => Inner.Length;

        public void Truncate(int length)
        {
            Inner.Truncate(length);
            Ids.RemoveRange(length, Ids.Count - length);
        }

        public void Dispose() => Inner.Dispose();
    }
}
