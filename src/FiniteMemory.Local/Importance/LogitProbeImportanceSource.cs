
namespace FiniteMemory.Local.Importance;

/// <summary>
/// Importance from logit probes: how much less likely the model finds the query when one entry is left out. For
/// each probed entry, the query's log-likelihood (the sum over its tokens of log p(token | everything before)) is
/// computed with and without that entry's span; the drop is the entry's raw score.
/// </summary>
/// <remarks>
/// Probing costs one forward pass over everything after the entry, so it is bounded: only the
/// <see cref="MaxProbes"/> most recent entries are probed (the rest get NaN, no signal). Probes run from the newest
/// entry back, truncating one shared cache to the start of each probed entry, so the prefix before it is never
/// recomputed. The drops are mapped to [0, 1] by their range over the probed entries (min-max): the entry the query
/// depends on most scores 1, the one it depends on least 0. The mapping is relative because only the ranking matters
/// to the importance stage, and a small or untrained model may find the query likelier without almost any entry
/// (every drop negative), which clipping at 0 would flatten to no information. Equal drops all score 0.5. Without a
/// query there is nothing to predict and every score is NaN.
/// </remarks>
public sealed class LogitProbeImportanceSource : IImportanceSource
{
    private readonly LocalChatClient _client;

    /// <summary>Creates the source over <paramref name="client"/>'s model, tokenizer and template.</summary>
    /// <param name="client">The local chat client whose model is probed (under its lock).</param>
    /// <param name="maxProbes">How many entries (the most recent) are probed per call.</param>
    public LogitProbeImportanceSource(LocalChatClient client, int maxProbes = 8)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProbes, 1);
        _client = client;
        MaxProbes = maxProbes;
    }

    /// <summary>How many entries are probed per call.</summary>
    public int MaxProbes { get; }

    /// <inheritdoc />
    public string Name => "logit-probe";

    /// <inheritdoc />
    public async ValueTask ScoreAsync(IReadOnlyList<MemoryEntry> entries, MemoryEntry? query, Memory<float> scores, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0 || query is null)
        {
            return;
        }

        var rendered = RenderedEntries.Render(_client.Encoder, entries, query, _client.Model.Config.MaxPositions);
        if (rendered.QueryStart == 0 || rendered.QueryEnd == rendered.QueryStart)
        {
            return;
        }

        var result = await _client.RunExclusiveAsync(model => Probe(model, rendered, MaxProbes, cancellationToken), cancellationToken).ConfigureAwait(false);
        result.CopyTo(scores.Span);
    }

    private static float[] Probe(ICausalLanguageModel model, RenderedEntries rendered, int maxProbes, CancellationToken cancellationToken)
    {
        var ids = rendered.Ids;
        var spans = rendered.Spans;
        var scores = new float[spans.Length];
        Array.Fill(scores, float.NaN);
        var vocab = model.Config.VocabSize;
        var target = ids.GetRange(rendered.QueryStart, rendered.QueryEnd - rendered.QueryStart).ToArray();

        using var cache = model.CreateCache();

        // The query's log-likelihood after `context`, the cache already holding context[..cached].
        double LogLikelihood(List<int> context, int cached)
        {
            // At least the context's last token is run: its logits predict the query's first token.
            cached = Math.Min(cached, context.Count - 1);
            cache.Truncate(cached);
            var rest = context.GetRange(cached, context.Count - cached);
            rest.AddRange(target.AsSpan(0, target.Length - 1));
            var logits = new float[checked(rest.Count * vocab)];
            model.Forward(cache, rest.ToArray(), logits);

            // Row r predicts the token after rest[r]: the query's tokens start at the row of context's last token.
            var first = context.Count - cached - 1;
            double sum = 0;
            for (var k = 0; k < target.Length; k++)
            {
                sum += LogSoftmax(logits.AsSpan((first + k) * vocab, vocab), target[k]);
            }

            return sum;
        }

        var baseContext = ids.GetRange(0, rendered.QueryStart);
        var baseline = LogLikelihood(baseContext, 0);
        var probes = 0;
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var drops = new double[spans.Length];
        for (var e = spans.Length - 1; e >= 0 && probes < maxProbes; e--)
        {
            var (start, end) = spans[e];
            var without = baseContext.GetRange(0, start);
            without.AddRange(baseContext.GetRange(end, baseContext.Count - end));

            // A dropped entry has no span; an entry that is the whole context leaves nothing to predict from.
            if (end == start || without.Count == 0)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            drops[e] = baseline - LogLikelihood(without, start);
            min = Math.Min(min, drops[e]);
            max = Math.Max(max, drops[e]);
            scores[e] = 0;
            probes++;
        }

        for (var e = 0; e < spans.Length; e++)
        {
            if (!float.IsNaN(scores[e]))
            {
                scores[e] = max > min ? (float)((drops[e] - min) / (max - min)) : 0.5f;
            }
        }

        return scores;
    }

    private static double LogSoftmax(ReadOnlySpan<float> logits, int index)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = MathF.Max(max, v);
        }

        double sum = 0;
        foreach (var v in logits)
        {
            sum += Math.Exp(v - max);
        }

        return logits[index] - max - Math.Log(sum);
    }
}
