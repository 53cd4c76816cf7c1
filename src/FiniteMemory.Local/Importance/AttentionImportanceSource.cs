
namespace FiniteMemory.Local.Importance;

/// <summary>
/// Importance from attention, H2O-style: renders the entries with the chat template, runs them through the
/// client's model followed by the query (and the generation prompt), and scores each entry by the attention its
/// tokens received from those last positions, accumulated over layers, heads and query positions.
/// </summary>
/// <remarks>
/// An entry's raw score is the mean, over its tokens, of the attention a token received divided by the number of
/// (layer, head, query) triples — so long and short messages compare fairly. Scores are divided by the largest, so
/// the most attended entry scores 1. Entries that do not fit in the model's context with the query (the oldest) get
/// NaN (no signal), which the importance stage scores by its heuristic alone. The model is used under the client's
/// lock, on a fresh cache, so the chat's own cache is untouched.
/// </remarks>
public sealed class AttentionImportanceSource : IImportanceSource
{
    private readonly LocalChatClient _client;

    /// <summary>Creates the source over <paramref name="client"/>'s model, tokenizer and template.</summary>
    /// <exception cref="ArgumentException">The client's model does not report attention (<see cref="IAttentionReporter"/>).</exception>
    public AttentionImportanceSource(LocalChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.Model is not IAttentionReporter)
        {
            throw new ArgumentException($"The model ({client.Model.GetType().Name}) does not report attention (IAttentionReporter); use LogitProbeImportanceSource or the heuristic instead.", nameof(client));
        }

        _client = client;
    }

    /// <inheritdoc />
    public string Name => "attention";

    /// <inheritdoc />
    public async ValueTask ScoreAsync(IReadOnlyList<MemoryEntry> entries, MemoryEntry? query, Memory<float> scores, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var rendered = RenderedEntries.Render(_client.Encoder, entries, query, _client.Model.Config.MaxPositions);
        var result = await _client.RunExclusiveAsync(model => Score(model, rendered), cancellationToken).ConfigureAwait(false);
        result.CopyTo(scores.Span);
    }

    private static float[] Score(ICausalLanguageModel model, RenderedEntries rendered)
    {
        var ids = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rendered.Ids);
        var config = model.Config;
        var logits = new float[config.VocabSize];
        var received = new float[ids.Length];
        using (var cache = model.CreateCache())
        {
            if (rendered.QueryStart > 0)
            {
                model.Forward(cache, ids[..rendered.QueryStart], logits);
            }

            ((IAttentionReporter)model).ForwardWithAttention(cache, ids[rendered.QueryStart..], logits, received);
        }

        var queries = ids.Length - rendered.QueryStart;
        var perToken = 1f / (config.Layers * config.Heads * queries);
        var scores = new float[rendered.Spans.Length];
        var max = 0f;
        for (var e = 0; e < scores.Length; e++)
        {
            var (start, end) = rendered.Spans[e];
            if (end == start)
            {
                scores[e] = float.NaN;
                continue;
            }

            var sum = 0f;
            for (var i = start; i < end; i++)
            {
                sum += received[i] * perToken;
            }

            scores[e] = sum / (end - start);
            max = MathF.Max(max, scores[e]);
        }

        for (var e = 0; e < scores.Length; e++)
        {
            scores[e] = max > 0 ? scores[e] / max : scores[e] * 0;
        }

        return scores;
    }
}
