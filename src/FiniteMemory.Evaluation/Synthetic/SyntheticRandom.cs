
namespace FiniteMemory.Evaluation;

/// <summary>
/// The synthetic dataset's random stream: <see cref="SplitMix64"/>, whose output depends only on its seed on every
/// machine and runtime version (unlike <see cref="Random"/>, whose algorithm is not guaranteed across versions),
/// with unbiased bounded integers, picks and shuffles. Not for security.
/// </summary>
internal sealed class SyntheticRandom
{
    private SplitMix64 _stream;

    public SyntheticRandom(ulong seed) => _stream = new SplitMix64(seed);

    /// <summary>A generator for a numbered stream of <paramref name="seed"/> (e.g. one per conversation), independent of the other streams.</summary>
    public static SyntheticRandom ForStream(ulong seed, ulong stream) => new(SplitMix64.Mix(seed ^ SplitMix64.Mix(stream + 0x632BE59BD9B4E019UL)));

    public ulong NextUInt64() => _stream.Next();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var bound = (ulong)maxExclusive;
        var threshold = (0UL - bound) % bound;
        ulong value;
        do
        {
            value = NextUInt64();
        }
        while (value < threshold);

        return (int)(value % bound);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both included).</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Fisher–Yates, in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
