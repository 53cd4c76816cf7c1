namespace FiniteMemory.Local;

/// <summary>
/// A decoder-only language model run locally, one forward pass at a time, over a key/value cache it owns the
/// layout of. Implemented by the ONNX Runtime and TorchSharp backends; the local chat client drives it.
/// </summary>
/// <remarks>
/// A model instance is not thread-safe: one forward pass at a time. Caches created by one model must not be passed
/// to another.
/// </remarks>
public interface ICausalLanguageModel : IDisposable
{
    /// <summary>The model's dimensions.</summary>
    ModelConfig Config { get; }

    /// <summary>Creates an empty cache (length 0) for this model.</summary>
    IKeyValueCache CreateCache();

    /// <summary>
    /// Runs <paramref name="tokens"/> as the positions that follow the cache's current content, appends their keys
    /// and values to <paramref name="cache"/>, and writes logits.
    /// </summary>
    /// <param name="cache">The cache to extend; its length grows by <c>tokens.Length</c>.</param>
    /// <param name="tokens">At least one token id, each below <see cref="ModelConfig.VocabSize"/>.</param>
    /// <param name="logits">
    /// Either <see cref="ModelConfig.VocabSize"/> floats (the logits of the last position only) or
    /// <c>tokens.Length * VocabSize</c> floats (every position, row-major).
    /// </param>
    /// <exception cref="ArgumentException">
    /// The cache would grow past <see cref="ModelConfig.MaxPositions"/> (the message says so and that the memory
    /// policy's budget must be set below it), a token id is out of range, or <paramref name="logits"/> has another length.
    /// </exception>
    void Forward(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits);
}

/// <summary>The keys and values of the positions a model has already run, kept to skip recomputing them.</summary>
public interface IKeyValueCache : IDisposable
{
    /// <summary>How many positions the cache holds.</summary>
    int Length { get; }

    /// <summary>Keeps the first <paramref name="length"/> positions and forgets the rest.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or above <see cref="Length"/>.</exception>
    void Truncate(int length);
}

/// <summary>
/// A model that can also report, for its last forward pass, how much attention each cached position received
/// (summed over layers, heads and query positions, H2O-style). The importance policy reads it through
/// <see cref="FiniteMemory.IImportanceSource"/>.
/// </summary>
public interface IAttentionReporter
{
    /// <summary>
    /// Runs <paramref name="tokens"/> like <see cref="ICausalLanguageModel.Forward"/> and adds, to each element of
    /// <paramref name="attentionReceived"/> (one per position of the cache after the call), the attention that
    /// position received from the new queries, summed over layers and heads.
    /// </summary>
    void ForwardWithAttention(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits, Span<float> attentionReceived);
}
