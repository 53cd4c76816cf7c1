namespace FiniteMemory.Local.Decoding;

/// <summary>How the next token is chosen from the logits.</summary>
/// <remarks>
/// Without a temperature (or with 0) decoding is greedy. With one, the logits are divided by it, cut to the
/// <see cref="TopK"/> most likely tokens and to the smallest set whose probability reaches <see cref="TopP"/>,
/// and sampled with a generator seeded by <see cref="Seed"/> (the same seed gives the same tokens).
/// </remarks>
public sealed record SamplingOptions
{
    /// <summary>Softmax temperature; null or 0 for greedy decoding.</summary>
    public float? Temperature { get; init; }

    /// <summary>Keep only the k most likely tokens (null or 0: all).</summary>
    public int? TopK { get; init; }

    /// <summary>Keep the smallest set of tokens whose probabilities sum to at least p (null or 1: all).</summary>
    public float? TopP { get; init; }

    /// <summary>
    /// Penalty for tokens already in the prompt or the reply (Hugging Face's: a positive logit is divided by it, a
    /// negative one multiplied); 1 for none.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Seed of the sampling generator; null for a random one.</summary>
    public long? Seed { get; init; }

    /// <summary>Whether these options sample (a positive temperature) rather than decode greedily.</summary>
    public bool IsSampling => Temperature is > 0;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message names it.</exception>
    public void Validate()
    {
        if (Temperature is < 0 || (Temperature is float t && !float.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be a finite number >= 0.");
        }

        if (TopK is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "Top-k must be >= 0.");
        }

        if (TopP is not null && !(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "Top-p must be in (0, 1].");
        }

        if (!(RepetitionPenalty > 0) || !float.IsFinite(RepetitionPenalty))
        {
            throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "The repetition penalty must be a finite number > 0 (1 for none).");
        }
    }
}
