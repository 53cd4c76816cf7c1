using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// The embeddings of a conversation's messages, computed once per message and kept for the conversation: a
/// long message is embedded in passages (sentence-aligned, about <see cref="PassageWords"/> words each) so that
/// a fact in its middle is not averaged away, and its similarity to a query is that of its best passage.
/// </summary>
/// <remarks>
/// One per transcript (<see cref="Transcript.GetState{T}(Func{T})"/>). Vectors are L2-normalized here, whatever
/// the embedder returns, so similarity is a dot product. Changing the embedder discards what was cached.
/// </remarks>
internal sealed class EmbeddingIndex : TranscriptState
{
    /// <summary>Target passage length in words; embedders such as MiniLM read at most 256 word pieces.</summary>
    public const int PassageWords = 120;

    private readonly List<float[][]?> _vectors = [];
    private object? _embedder;

    /// <summary>Messages embedded so far.</summary>
    public int EmbeddedCount { get; private set; }

    /// <summary>Passages sent to the embedder over the conversation's life (each once).</summary>
    public long PassagesEmbedded { get; private set; }

    /// <summary>The index of <paramref name="transcript"/>, created on first use.</summary>
    public static EmbeddingIndex For(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.GetState(static () => new EmbeddingIndex());
    }

    /// <summary>Whether a transcript entry has its vectors.</summary>
    public bool Has(int index) => index < _vectors.Count && _vectors[index] is not null;

    /// <summary>The passage vectors of an entry (empty when it has none yet).</summary>
    public IReadOnlyList<float[]> VectorsOf(int index) => index < _vectors.Count ? _vectors[index] ?? [] : [];

    /// <summary>Embeds, in one request, the entries of <paramref name="indices"/> that have no vectors yet.</summary>
    /// <returns>How many entries were embedded now.</returns>
    public async ValueTask<int> EnsureAsync(
        Transcript transcript,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IReadOnlyList<int> indices,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(indices);
        if (!ReferenceEquals(_embedder, embedder))
        {
            _vectors.Clear();
            EmbeddedCount = 0;
            _embedder = embedder;
        }

        var texts = new List<string>();
        var owners = new List<(int Index, int Passages)>();
        var seen = new HashSet<int>();
        foreach (var index in indices)
        {
            if (Has(index) || !seen.Add(index))
            {
                continue;
            }

            var passages = Passages(MessageText.Of(transcript[index].Message));
            texts.AddRange(passages);
            owners.Add((index, passages.Count));
        }

        if (owners.Count == 0)
        {
            return 0;
        }

        var embeddings = await embedder.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedder returned {embeddings.Count} embeddings for {texts.Count} inputs.");
        }

        // Nothing is stored until the whole request succeeded, so a failure leaves the cache as it was.
        var next = 0;
        var results = new float[owners.Count][][];
        for (var o = 0; o < owners.Count; o++)
        {
            var vectors = new float[owners[o].Passages][];
            for (var p = 0; p < vectors.Length; p++)
            {
                vectors[p] = embeddings[next++].Vector.ToArray();
                UnitVectors.Normalize(vectors[p]);
            }

            results[o] = vectors;
        }

        for (var o = 0; o < owners.Count; o++)
        {
            var index = owners[o].Index;
            while (_vectors.Count <= index)
            {
                _vectors.Add(null);
            }

            _vectors[index] = results[o];
        }

        EmbeddedCount += owners.Count;
        PassagesEmbedded += texts.Count;
        return owners.Count;
    }

    /// <summary>The best cosine similarity between any passage of entry <paramref name="index"/> and any of <paramref name="query"/>; NaN when either has no vectors.</summary>
    public float Similarity(int index, IReadOnlyList<float[]> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var vectors = VectorsOf(index);
        if (vectors.Count == 0 || query.Count == 0)
        {
            return float.NaN;
        }

        var best = float.NegativeInfinity;
        foreach (var v in vectors)
        {
            foreach (var q in query)
            {
                if (v.Length == q.Length)
                {
                    best = MathF.Max(best, TensorPrimitives.Dot(v, q));
                }
            }
        }

        return float.IsNegativeInfinity(best) ? float.NaN : best;
    }

    /// <summary>The mean of an entry's passage vectors, normalized: one point per message for clustering; null when it has none.</summary>
    public float[]? Centroid(int index)
    {
        var vectors = VectorsOf(index);
        if (vectors.Count == 0)
        {
            return null;
        }

        if (vectors.Count == 1)
        {
            return vectors[0];
        }

        var sum = new float[vectors[0].Length];
        foreach (var v in vectors)
        {
            if (v.Length == sum.Length)
            {
                TensorPrimitives.Add(sum, v, sum);
            }
        }

        UnitVectors.Normalize(sum);
        return sum;
    }

    /// <summary>Splits text into sentence-aligned passages of about <see cref="PassageWords"/> words (one for short text, the text itself when empty).</summary>
    public static List<string> Passages(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var passages = new List<string>();
        if (CountWords(text) <= PassageWords)
        {
            passages.Add(text);
            return passages;
        }

        var start = -1;
        var end = 0;
        var words = 0;
        foreach (var sentence in Sentences.Split(text))
        {
            var sentenceWords = CountWords(text.AsSpan(sentence));
            if (start >= 0 && words + sentenceWords > PassageWords)
            {
                passages.Add(text[start..end]);
                start = -1;
                words = 0;
            }

            if (start < 0)
            {
                start = sentence.Start.Value;
            }

            end = sentence.End.Value;
            words += sentenceWords;
        }

        if (start >= 0)
        {
            passages.Add(text[start..end]);
        }

        return passages;
    }

    /// <inheritdoc />
    protected internal override void OnTruncated(int count)
    {
        for (var i = _vectors.Count - 1; i >= count; i--)
        {
            if (_vectors[i] is not null)
            {
                EmbeddedCount--;
            }

            _vectors.RemoveAt(i);
        }
    }


    private static int CountWords(ReadOnlySpan<char> text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = !char.IsWhiteSpace(c);
            words += letter && !inWord ? 1 : 0;
            inWord = letter;
        }

        return words;
    }
}
