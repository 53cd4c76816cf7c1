using Microsoft.Extensions.AI;

namespace FiniteMemory.Evaluation;

/// <summary>
/// An embedder in front of another that embeds each distinct text once: the evaluator gives every (policy,
/// budget) its own transcript, and this keeps them from paying for the same turns' embeddings again.
/// </summary>
internal sealed class EmbeddingMemo(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Dictionary<string, Embedding<float>> _known = new(StringComparer.Ordinal);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values];
        var missing = texts.Where(t => !_known.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var embeddings = await inner.GenerateAsync(missing, options, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != missing.Count)
            {
                throw new InvalidOperationException($"The embedder returned {embeddings.Count} embeddings for {missing.Count} inputs.");
            }

            for (var i = 0; i < missing.Count; i++)
            {
                _known[missing[i]] = embeddings[i];
            }
        }

        return [.. texts.Select(t => _known[t])];
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    // The inner embedder belongs to the caller.
    public void Dispose()
    {
    }
}
