using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// The models a policy's stages may use, taken from <see cref="MemoryOptions"/>: an embedder for
/// semantic relevance and clustering, a summarizer for rolling summaries, and a local model's importance
/// signals. Every one is optional; each stage documents what it does without it.
/// </summary>
public sealed class MemoryServices
{
    /// <summary>No services: stages fall back to what needs no model (lexical relevance, heuristics, extractive summaries).</summary>
    public static MemoryServices None { get; } = new(null, null, null);

    /// <summary>Creates a set of services.</summary>
    public MemoryServices(IEmbeddingGenerator<string, Embedding<float>>? embedder, IConversationSummarizer? summarizer, IImportanceSource? importance)
    {
        Embedder = embedder;
        Summarizer = summarizer;
        Importance = importance;
    }

    /// <summary>Embeds message texts for semantic relevance and clustering; null: lexical relevance only.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; }

    /// <summary>Writes rolling summaries; null: the extractive summarizer, which needs no model.</summary>
    public IConversationSummarizer? Summarizer { get; }

    /// <summary>A local model's importance signals (attention received, logit probes); null: the documented heuristic.</summary>
    public IImportanceSource? Importance { get; }
}
