
namespace FiniteMemory;

/// <summary>
/// BM25 over a conversation's messages: each message's terms are counted once, when it is first indexed, into
/// an inverted index, so scoring a query costs the postings of its terms — not a re-read of the transcript.
/// </summary>
/// <remarks>
/// One per transcript (<see cref="Transcript.GetState{T}(Func{T})"/>). Parameters are the usual k1 = 1.2,
/// b = 0.75; the inverse document frequency is the non-negative BM25+ form, so a term in every message
/// scores a little rather than negatively.
/// </remarks>
internal sealed class LexicalIndex : TranscriptState
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<Postings> _postings = [];
    private readonly List<int> _lengths = [];
    private long _totalLength;

    /// <summary>Creates an empty index.</summary>
    public LexicalIndex()
    {
        _lookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Messages indexed so far (transcript indices 0 … Count-1).</summary>
    public int Count => _lengths.Count;

    /// <summary>Distinct terms seen.</summary>
    public int TermCount => _termIds.Count;

    /// <summary>The index of <paramref name="transcript"/>, created on first use.</summary>
    public static LexicalIndex For(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.GetState(static () => new LexicalIndex());
    }

    /// <summary>Indexes the transcript's entries below <paramref name="count"/> that are not indexed yet.</summary>
    public void Update(Transcript transcript, int count)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var counts = new Dictionary<int, int>();
        for (var i = Count; i < count; i++)
        {
            counts.Clear();
            var length = 0;
            Terms.Split(MessageText.Of(transcript[i].Message), (this, counts), static (term, s) =>
            {
                var id = s.Item1.Intern(term);
                s.counts[id] = s.counts.GetValueOrDefault(id) + 1;
            });
            foreach (var (term, tf) in counts)
            {
                _postings[term].Add(i, tf);
                length += tf;
            }

            _lengths.Add(length);
            _totalLength += length;
        }
    }

    /// <summary>
    /// Adds each indexed message's BM25 score for <paramref name="query"/> to <paramref name="scores"/> (one slot
    /// per transcript index, at least <see cref="Count"/> long). Terms repeated in the query count once per use.
    /// </summary>
    /// <returns>The query's distinct known terms (0: nothing can match).</returns>
    public int Score(string query, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(query);
        var n = Count;
        if (n == 0)
        {
            return 0;
        }

        var queryTerms = new Dictionary<int, int>();
        Terms.Split(query, (this, queryTerms), static (term, s) =>
        {
            if (s.Item1._lookup.TryGetValue(term, out var id))
            {
                s.queryTerms[id] = s.queryTerms.GetValueOrDefault(id) + 1;
            }
        });

        var averageLength = (float)_totalLength / n;
        foreach (var (term, uses) in queryTerms)
        {
            var postings = _postings[term];
            var df = postings.Count;
            if (df == 0)
            {
                continue;
            }

            var idf = MathF.Log(1 + ((n - df + 0.5f) / (df + 0.5f)));
            for (var p = 0; p < postings.Count; p++)
            {
                var (doc, tf) = postings[p];
                if (doc >= scores.Length)
                {
                    break;
                }

                var norm = K1 * (1 - B + (B * _lengths[doc] / averageLength));
                scores[doc] += uses * idf * (tf * (K1 + 1) / (tf + norm));
            }
        }

        return queryTerms.Count;
    }

    /// <summary>The inverse document frequency of a term (0 when unseen): how rare, so how telling, it is.</summary>
    public float InverseDocumentFrequency(ReadOnlySpan<char> term)
    {
        if (!_lookup.TryGetValue(term, out var id) || Count == 0)
        {
            return 0;
        }

        var df = _postings[id].Count;
        if (df == 0)
        {
            return 0;
        }

        return MathF.Log(1 + ((Count - df + 0.5f) / (df + 0.5f)));
    }

    /// <inheritdoc />
    protected internal override void OnTruncated(int count)
    {
        if (count >= Count)
        {
            return;
        }

        for (var i = Count - 1; i >= count; i--)
        {
            _totalLength -= _lengths[i];
        }

        _lengths.RemoveRange(count, Count - count);

        // Postings are appended in transcript order, so the removed messages' postings are each list's tail.
        foreach (var postings in _postings)
        {
            postings.TrimFrom(count);
        }
    }

    private int Intern(ReadOnlySpan<char> term)
    {
        if (_lookup.TryGetValue(term, out var id))
        {
            return id;
        }

        id = _termIds.Count;
        _lookup[term] = id;
        _postings.Add(new Postings());
        return id;
    }

    // (document, term frequency) pairs in document order, packed in one growable array.
    private sealed class Postings
    {
        private long[] _items = new long[2];

        public int Count { get; private set; }

        public (int Doc, int Tf) this[int index] => ((int)(_items[index] >> 32), (int)_items[index]);

        public void Add(int doc, int tf)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, Count * 2);
            }

            _items[Count++] = ((long)doc << 32) | (uint)tf;
        }

        public void TrimFrom(int doc)
        {
            while (Count > 0 && (int)(_items[Count - 1] >> 32) >= doc)
            {
                Count--;
            }
        }
    }
}
