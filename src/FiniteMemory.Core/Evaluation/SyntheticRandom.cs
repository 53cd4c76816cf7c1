namespace FiniteMemory.Evaluation;

/// <summary>
/// SplitMix64: a tiny, fast, well-mixed generator whose output depends only on its seed, on every machine and
/// runtime version (unlike <see cref="Random"/>, whose algorithm is not guaranteed across versions). Not for
/// security.
/// </summary>
internal sealed class SyntheticRandom
{
    private ulong _state;

    public SyntheticRandom(ulong seed) => _state = seed;

    /// <summary>A generator for a numbered stream of <paramref name="seed"/> (e.g. one per conversation), independent of the other streams.</summary>
    public static SyntheticRandom ForStream(ulong seed, ulong stream) => new(Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019UL)));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

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

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
