namespace FiniteMemory.Local.Decoding;

/// <summary>Chooses tokens from logits according to <see cref="SamplingOptions"/>; one instance per generation.</summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random? _random;
    private int[] _order = [];
    private float[] _probabilities = [];

    /// <summary>Creates a sampler.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TokenSampler(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (options.IsSampling)
        {
            // Random(int) uses the fixed legacy algorithm: the same seed gives the same sequence on every run.
            _random = options.Seed is long seed ? new Random(unchecked((int)(seed ^ (seed >> 32)))) : new Random();
        }
    }

    /// <summary>
    /// The next token. <paramref name="logits"/> (one row, vocabulary size) is modified in place by the repetition
    /// penalty and temperature; <paramref name="context"/> is every token so far (prompt and reply).
    /// </summary>
    public int Next(Span<float> logits, ReadOnlySpan<int> context)
    {
        if (_options.RepetitionPenalty != 1f)
        {
            ApplyRepetitionPenalty(logits, context, _options.RepetitionPenalty);
        }

        if (_random is null)
        {
            return ArgMax(logits);
        }

        return Sample(logits);
    }

    /// <summary>The index of the largest value (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> context, float penalty)
    {
        var seen = new HashSet<int>();
        foreach (var id in context)
        {
            if ((uint)id < (uint)logits.Length && seen.Add(id))
            {
                logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
            }
        }
    }

    private int Sample(Span<float> logits)
    {
        var n = logits.Length;
        if (_order.Length != n)
        {
            _order = new int[n];
            _probabilities = new float[n];
        }

        var temperature = _options.Temperature!.Value;
        for (var i = 0; i < n; i++)
        {
            _order[i] = i;
            _probabilities[i] = logits[i] / temperature;
        }

        // Sort candidates by logit, descending (ties by id, so the order is deterministic).
        var keys = _probabilities;
        Array.Sort(_order, (a, b) => keys[b] != keys[a] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        var k = _options.TopK is int topK and > 0 ? Math.Min(topK, n) : n;

        var max = keys[_order[0]];
        Span<float> p = new float[k];
        double sum = 0;
        for (var i = 0; i < k; i++)
        {
            p[i] = MathF.Exp(keys[_order[i]] - max);
            sum += p[i];
        }

        var topP = _options.TopP ?? 1f;
        var kept = k;
        if (topP < 1f)
        {
            double cumulative = 0;
            for (var i = 0; i < k; i++)
            {
                cumulative += p[i] / sum;
                if (cumulative >= topP)
                {
                    kept = i + 1;
                    break;
                }
            }
        }

        double keptSum = 0;
        for (var i = 0; i < kept; i++)
        {
            keptSum += p[i];
        }

        var target = _random!.NextDouble() * keptSum;
        for (var i = 0; i < kept; i++)
        {
            target -= p[i];
            if (target <= 0)
            {
                return _order[i];
            }
        }

        return _order[kept - 1];
    }
}
