using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>The embedding step the relevance and clustering stages share: embed what is missing, or note why not.</summary>
internal static class StageEmbeddings
{
    /// <summary>
    /// Embeds, in one request, the members of <paramref name="groups"/> and the entries of <paramref name="extra"/>
    /// that have no vectors yet. On failure (other than cancellation) adds a note — "<paramref name="consequence"/>:
    /// the embedder failed (…)" — and returns null, so the stage can go on without embeddings.
    /// </summary>
    public static async ValueTask<EmbeddingIndex?> TryEnsureAsync(
        MemoryFrame frame,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IEnumerable<int> groups,
        IEnumerable<int> extra,
        string consequence,
        CancellationToken cancellationToken)
    {
        var transcript = frame.Transcript;
        var index = EmbeddingIndex.For(transcript);
        var needed = new List<int>();
        foreach (var g in groups)
        {
            foreach (var member in transcript.GroupAt(g).MemberArray)
            {
                if (member < frame.Count && !index.Has(member))
                {
                    needed.Add(member);
                }
            }
        }

        needed.AddRange(extra.Where(i => i >= 0 && i < frame.Count && !index.Has(i)));
        try
        {
            await index.EnsureAsync(transcript, embedder, needed, cancellationToken).ConfigureAwait(false);
            return index;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            frame.AddNote($"{consequence}: the embedder failed ({ex.GetType().Name}: {ex.Message})");
            return null;
        }
    }
}
