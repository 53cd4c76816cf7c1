
namespace FiniteMemory;

/// <summary>
/// Bag-of-words vectors for clustering when there is no embedder: each message's terms hashed into
/// <see cref="Dimensions"/> signed buckets (the hashing trick), log-scaled and L2-normalized; computed once per message.
/// </summary>
internal sealed class HashedTermVectors : TranscriptState
{
    /// <summary>Vector length.</summary>
    public const int Dimensions = 256;

    private readonly List<float[]> _vectors = [];

    /// <summary>The vectors of <paramref name="transcript"/>, created on first use.</summary>
    public static HashedTermVectors For(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.GetState(static () => new HashedTermVectors());
    }

    /// <summary>The vector of entry <paramref name="index"/>, computing vectors up to it if needed.</summary>
    public float[] Get(Transcript transcript, int index)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        while (_vectors.Count <= index)
        {
            _vectors.Add(Vectorize(MessageText.Of(transcript[_vectors.Count].Message)));
        }

        return _vectors[index];
    }

    /// <summary>The hashed vector of a text.</summary>
    public static float[] Vectorize(string text)
    {
        var vector = new float[Dimensions];
        Terms.Split(text, vector, static (term, v) =>
        {
            var hash = Fnv1a(term);
            v[(int)(hash % Dimensions)] += (hash & (1UL << 63)) != 0 ? 1 : -1;
        });
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = MathF.Sign(vector[i]) * MathF.Log(1 + MathF.Abs(vector[i]));
        }

        UnitVectors.Normalize(vector);
        return vector;
    }

    // FNV-1a, 64-bit, then a final mix so both the bucket and the sign bit are well spread; stable across runs.
    private static ulong Fnv1a(ReadOnlySpan<char> term)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in term)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        return hash ^ (hash >> 33);
    }

    /// <inheritdoc />
    protected internal override void OnTruncated(int count)
    {
        if (count < _vectors.Count)
        {
            _vectors.RemoveRange(count, _vectors.Count - count);
        }
    }
}
