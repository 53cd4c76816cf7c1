namespace FiniteMemory;

/// <summary>
/// Learns the ratio between the input tokens a provider reports and the tokens FiniteMemory estimated for
/// the same request, so that budgets match what the provider bills (a different tokenizer, hidden framing,
/// tool schemas rendered differently).
/// </summary>
/// <remarks>
/// <para>The ratio starts at 1. Each observation moves it toward the observed ratio with weight
/// max(<see cref="Smoothing"/>, 1/(n+1)) — the first observation is taken whole, later ones are averaged —
/// and it is clamped to [<see cref="MinRatio"/>, <see cref="MaxRatio"/>] so one odd response cannot explode
/// the budget. Estimates are scaled up (ceiling), never down, per message.</para>
/// <para>Calibration only ever makes estimates larger: the ratio never drops below 1, so a window never holds
/// more than the budget by FiniteMemory's own exact count, whatever a provider reports. A report that is
/// implausible against that count (below half of it, or above four times it: a proxy that reports a constant,
/// a response that summed several calls) is not learned from at all. Thread-safe.</para>
/// </remarks>
public sealed class TokenCalibration
{
    /// <summary>The lowest ratio calibration will apply: 1, so that the exact count always bounds the window.</summary>
    public const double MinRatio = 1.0;

    /// <summary>The highest ratio calibration will apply.</summary>
    public const double MaxRatio = 2.0;

    /// <summary>Weight of a new observation once the first few have been made.</summary>
    public const double Smoothing = 0.3;

    /// <summary>Requests smaller than this many estimated tokens are too small to learn from (fixed costs dominate).</summary>
    public const int MinSampleTokens = 32;

    /// <summary>Reported usage below this fraction of the exact count is implausible and ignored.</summary>
    internal const double MinPlausibleRatio = 0.5;

    /// <summary>Reported usage above this multiple of the exact count is implausible and ignored.</summary>
    internal const double MaxPlausibleRatio = 4.0;

    /// <summary>The lowest ratio a checkpoint may hold: versions before the ratio was floored at 1 learned down to 0.5.</summary>
    internal const double MinRestorableRatio = 0.5;

    private readonly Lock _gate = new();
    private double _ratio = 1.0;
    private int _observations;

    /// <summary>The current ratio provider/estimate, 1 until something was observed.</summary>
    /// <remarks>Read on every window build, so it is read without the lock (a double is read atomically on 64-bit).</remarks>
    public double Ratio => Volatile.Read(ref _ratio);

    /// <summary>How many provider reports have been learned from.</summary>
    public int Observations
    {
        get
        {
            lock (_gate)
            {
                return _observations;
            }
        }
    }

    /// <summary>Scales a raw token estimate by the current ratio (rounding up, at most <see cref="int.MaxValue"/>).</summary>
    public int Apply(int rawTokens) => (int)Math.Min(Scale(rawTokens, Ratio), int.MaxValue);

    /// <summary>The one rounding rule for calibrated counts: scale by <paramref name="ratio"/>, round up.</summary>
    internal static long Scale(long rawTokens, double ratio) => ratio == 1.0 ? rawTokens : (long)Math.Ceiling(rawTokens * ratio);

    /// <summary>Learns from one request: our raw estimate of its input and the input tokens the provider reported.</summary>
    /// <returns>
    /// Whether the observation was used: it is skipped when either number is too small to be meaningful, or when
    /// the report is implausible against the estimate (below half of it or above four times it).
    /// </returns>
    public bool Observe(int estimatedTokens, long providerTokens)
    {
        if (estimatedTokens < MinSampleTokens || providerTokens <= 0 || !IsPlausible(estimatedTokens, providerTokens))
        {
            return false;
        }

        var observed = Math.Clamp((double)providerTokens / estimatedTokens, MinRatio, MaxRatio);
        lock (_gate)
        {
            var weight = Math.Max(Smoothing, 1.0 / (_observations + 1));
            Volatile.Write(ref _ratio, Math.Clamp(_ratio + (weight * (observed - _ratio)), MinRatio, MaxRatio));
            _observations++;
        }

        return true;
    }

    /// <summary>
    /// Whether a provider's report of <paramref name="providerTokens"/> input tokens is believable for a request
    /// estimated at <paramref name="estimatedTokens"/>: at least half and at most four times the estimate.
    /// </summary>
    internal static bool IsPlausible(int estimatedTokens, long providerTokens) =>
        estimatedTokens > 0 && providerTokens >= estimatedTokens * MinPlausibleRatio && providerTokens <= estimatedTokens * MaxPlausibleRatio;

    /// <summary>Restores a previously learned state (checkpoints).</summary>
    /// <remarks>A ratio below 1 (learned by an earlier version) is restored as 1: calibration never shrinks estimates.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is outside the allowed range or the count is negative.</exception>
    public void Restore(double ratio, int observations)
    {
        if (!double.IsFinite(ratio) || ratio < MinRestorableRatio || ratio > MaxRatio)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, $"A calibration ratio must be between {MinRestorableRatio} and {MaxRatio}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(observations);
        lock (_gate)
        {
            Volatile.Write(ref _ratio, Math.Max(ratio, MinRatio));
            _observations = observations;
        }
    }
}
