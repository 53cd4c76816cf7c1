namespace FiniteMemory;

/// <summary>
/// A small seeded generator (SplitMix64) whose sequence is the same on every runtime: clustering and the synthetic
/// dataset (FiniteMemory.Evaluation, through InternalsVisibleTo) must be reproducible.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The raw state, to persist and resume the sequence.</summary>
    public readonly ulong State => _state;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>SplitMix64's output function (also a good 64-bit hash finalizer).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
