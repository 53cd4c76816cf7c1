using Microsoft.Extensions.AI;

namespace FiniteMemory.Stages;

/// <summary>
/// Scores every group not yet in the window by its relevance to the newest user message: lexical (BM25 over
/// term statistics cached per message, see <see cref="LexicalIndex"/>) and semantic (cosine similarity of
/// embeddings cached per message, see <see cref="EmbeddingIndex"/>) when the frame has an embedder. Adds
/// <c>weight × relevance</c> to <see cref="MemoryFrame.Scores"/>, for <see cref="SelectStage"/> to choose from.
/// </summary>
/// <remarks>
/// <para>Each signal is scaled to [0, 1] over the candidates (the best candidate scores 1), the two are mixed
/// by their weights, and the mix is raised to <c>sharpness</c>: selection is a knapsack by score per token, and
/// a sharper score keeps a long, clearly relevant message ahead of many short, faintly relevant ones.</para>
/// <para>Without an embedder, or when the embedder fails (the report's notes say so), relevance is lexical only.
/// Per turn, only messages new since the last build are indexed or embedded; scoring reads the cached
/// postings and vectors.</para>
/// </remarks>
public static class ScoreRelevanceStage
{
    // The parameters' defaults, shared with ScoreRelevanceAttribute's properties (StageAttributeDefaultsTests checks the pair).
    internal const double DefaultWeight = 1.0;
    internal const double DefaultLexicalWeight = 0.5;
    internal const double DefaultSemanticWeight = 0.5;
    internal const double DefaultSharpness = 2.0;
    internal const int DefaultContextTurns = 0;
    internal const double DefaultNeighbors = 0;
    internal const double DefaultFeedback = 0;

    /// <summary>Scores groups by relevance to the newest user message.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels embedding.</param>
    /// <param name="weight">Weight of relevance in the group's score.</param>
    /// <param name="lexicalWeight">Share of BM25 in relevance when embeddings are available.</param>
    /// <param name="semanticWeight">Share of embedding similarity in relevance.</param>
    /// <param name="sharpness">Exponent applied to the mixed relevance (1: linear): higher favours a few clearly relevant messages over many faint ones.</param>
    /// <param name="contextTurns">Also read this many messages before the newest user message as part of the query (at half weight), for follow-ups such as "and the second one?".</param>
    /// <param name="neighbors">A message scores at least this share of its adjacent messages' relevance (0: off): the other half of a question and its answer.</param>
    /// <param name="feedback">Weight of a second lexical query made of the best few candidates (pseudo-relevance feedback, 0: off), which finds what they refer to.</param>
    public static async ValueTask RunAsync(
        MemoryFrame frame,
        CancellationToken cancellationToken,
        double weight = DefaultWeight,
        double lexicalWeight = DefaultLexicalWeight,
        double semanticWeight = DefaultSemanticWeight,
        double sharpness = DefaultSharpness,
        int contextTurns = DefaultContextTurns,
        double neighbors = DefaultNeighbors,
        double feedback = DefaultFeedback)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Validate(weight, lexicalWeight, semanticWeight, sharpness, contextTurns);
        if (!(neighbors >= 0 && neighbors <= 1) || !(feedback >= 0 && feedback <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(neighbors), "neighbors and feedback must be between 0 and 1.");
        }

        var query = frame.Query;
        if (query is null || weight == 0)
        {
            return;
        }

        var candidates = frame.UnkeptGroups();
        if (candidates.Count == 0)
        {
            return;
        }

        var transcript = frame.Transcript;
        var queryText = MessageText.Body(query.Message);
        var context = ContextOf(frame, contextTurns);

        // Lexical: BM25 per message, a group scoring as its best member.
        var lexicalIndex = LexicalIndex.For(transcript);
        lexicalIndex.Update(transcript, frame.Count);
        var perEntry = new float[frame.Count];
        var known = lexicalIndex.Score(queryText, perEntry);
        if (context.Count > 0)
        {
            var contextScores = new float[frame.Count];
            foreach (var index in context)
            {
                lexicalIndex.Score(MessageText.Body(transcript[index].Message), contextScores);
            }

            for (var i = 0; i < perEntry.Length; i++)
            {
                perEntry[i] += 0.5f * contextScores[i];
            }
        }

        var lexical = known > 0 || context.Count > 0 ? GroupMax(frame, candidates, perEntry) : null;

        // Semantic: best passage similarity, when an embedder is available and answers.
        float[]? semantic = null;
        if (frame.Services.Embedder is { } embedder && semanticWeight > 0)
        {
            semantic = await SemanticAsync(frame, embedder, candidates, context, cancellationToken).ConfigureAwait(false);
        }

        if (lexical is null && semantic is null)
        {
            return;
        }

        Scale(lexical);
        Scale(semantic);
        var wl = lexical is null ? 0 : semantic is null ? 1 : lexicalWeight;
        var ws = semantic is null ? 0 : lexical is null ? 1 : semanticWeight;
        var total = wl + ws;
        if (total <= 0)
        {
            return;
        }

        var relevance = new double[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            relevance[c] = ((wl * (lexical?[c] ?? 0)) + (ws * (semantic?[c] ?? 0))) / total;
        }

        if (feedback > 0)
        {
            Feedback(frame, candidates, relevance, lexicalIndex, feedback);
        }

        if (neighbors > 0)
        {
            Spread(candidates, relevance, neighbors);
        }

        var scores = frame.Scores;
        for (var c = 0; c < candidates.Count; c++)
        {
            scores[candidates[c]] += (float)(weight * Math.Pow(relevance[c], sharpness));
        }
    }

    // A message next to a relevant one is often its other half (a question and its answer): it scores at least
    // `share` of its best neighbour's relevance.
    private static void Spread(List<int> candidates, double[] relevance, double share)
    {
        var original = (double[])relevance.Clone();
        for (var c = 0; c < candidates.Count; c++)
        {
            var best = 0.0;
            if (c > 0 && candidates[c - 1] == candidates[c] - 1)
            {
                best = original[c - 1];
            }

            if (c + 1 < candidates.Count && candidates[c + 1] == candidates[c] + 1)
            {
                best = Math.Max(best, original[c + 1]);
            }

            relevance[c] = Math.Max(relevance[c], share * best);
        }
    }

    // Pseudo-relevance feedback: the best few candidates, read as a second query, find what they point to (the
    // second half of a two-step fact). Their lexical score is mixed in with weight `share`.
    private static void Feedback(MemoryFrame frame, List<int> candidates, double[] relevance, LexicalIndex index, double share)
    {
        const int Top = 3;
        var top = Enumerable.Range(0, candidates.Count).OrderByDescending(c => relevance[c]).Take(Top).Where(c => relevance[c] > 0).ToList();
        if (top.Count == 0)
        {
            return;
        }

        var transcript = frame.Transcript;
        var perEntry = new float[frame.Count];
        foreach (var c in top)
        {
            foreach (var member in transcript.GroupAt(candidates[c]).MemberArray)
            {
                if (member < frame.Count)
                {
                    index.Score(MessageText.Body(transcript[member].Message), perEntry);
                }
            }
        }

        var second = GroupMax(frame, candidates, perEntry);
        foreach (var c in top)
        {
            second[c] = 0;
        }

        Scale(second);
        for (var c = 0; c < candidates.Count; c++)
        {
            relevance[c] = ((1 - share) * relevance[c]) + (share * second[c]);
        }
    }

    /// <summary>Rescales non-negative values in place so the largest is 1 (all zero: unchanged); NaN becomes 0.</summary>
    internal static void Scale(float[]? values)
    {
        if (values is null)
        {
            return;
        }

        var max = 0f;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]) || values[i] < 0)
            {
                values[i] = 0;
            }

            max = MathF.Max(max, values[i]);
        }

        if (max > 0)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] /= max;
            }
        }
    }

    private static async ValueTask<float[]?> SemanticAsync(
        MemoryFrame frame,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        List<int> candidates,
        List<int> context,
        CancellationToken cancellationToken)
    {
        var transcript = frame.Transcript;
        var index = await StageEmbeddings.TryEnsureAsync(frame, embedder, candidates, context.Append(frame.QueryIndex), "relevance is lexical only", cancellationToken).ConfigureAwait(false);
        if (index is null)
        {
            return null;
        }

        var query = index.VectorsOf(frame.QueryIndex);
        var contextVectors = context.SelectMany(index.VectorsOf).ToList();
        var similarity = new float[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var best = float.NaN;
            foreach (var member in transcript.GroupAt(candidates[c]).MemberArray)
            {
                if (member >= frame.Count)
                {
                    continue;
                }

                var s = index.Similarity(member, query);
                if (contextVectors.Count > 0)
                {
                    s = MathF.Max(s, 0.5f * index.Similarity(member, contextVectors));
                }

                best = float.IsNaN(best) ? s : MathF.Max(best, s);
            }

            similarity[c] = best;
        }

        // Cosine similarities crowd together (unrelated text still scores ~0.1–0.2 with sentence embedders):
        // measure from the candidates' median, so an average candidate contributes nothing.
        var sorted = similarity.Where(s => !float.IsNaN(s)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var median = sorted[sorted.Length / 2];
        for (var c = 0; c < similarity.Length; c++)
        {
            similarity[c] = float.IsNaN(similarity[c]) ? 0 : MathF.Max(0, similarity[c] - median);
        }

        return similarity;
    }

    private static float[] GroupMax(MemoryFrame frame, List<int> candidates, float[] perEntry)
    {
        var transcript = frame.Transcript;
        var scores = new float[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var best = 0f;
            foreach (var member in transcript.GroupAt(candidates[c]).MemberArray)
            {
                if (member < perEntry.Length)
                {
                    best = MathF.Max(best, perEntry[member]);
                }
            }

            scores[c] = best;
        }

        return scores;
    }

    private static List<int> ContextOf(MemoryFrame frame, int turns)
    {
        var context = new List<int>(turns);
        for (var i = frame.QueryIndex - 1; i >= 0 && context.Count < turns; i--)
        {
            if (!frame.Transcript[i].IsSystem)
            {
                context.Add(i);
            }
        }

        return context;
    }

    private static void Validate(double weight, double lexicalWeight, double semanticWeight, double sharpness, int contextTurns)
    {
        if (!(weight >= 0) || !(lexicalWeight >= 0) || !(semanticWeight >= 0) || lexicalWeight + semanticWeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "Relevance weights must be non-negative, and the lexical and semantic weights must not both be 0.");
        }

        if (!(sharpness > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sharpness), sharpness, "The sharpness must be positive (1 is linear).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(contextTurns);
    }
}
