using FiniteMemory.Local;

namespace FiniteMemory.Onnx.Decoding;

/// <summary>
/// The keys and values of an <see cref="OnnxCausalLanguageModel"/>: per layer, one buffer for keys and one for values,
/// each holding the tensor [1, heads, <see cref="Length"/>, head size] packed at its start.
/// </summary>
/// <remarks>
/// The graph returns the whole cache (past and new positions concatenated) as its <c>present</c> outputs, so each
/// buffer has a twin: a forward pass reads the past from one and ONNX Runtime writes the present straight into the
/// other, then they swap. Buffers are pinned arrays that grow geometrically and are reused, so a decoding step
/// allocates no cache memory. Truncating moves each head's first positions down in place.
/// </remarks>
internal sealed class OnnxKeyValueCache : IKeyValueCache
{
    private const int MinimumCapacity = 64;

    private readonly float[][] _current;
    private readonly float[][] _spare;
    private readonly int _rowFloats;
    private bool _disposed;

    public OnnxKeyValueCache(OnnxCausalLanguageModel owner, ModelConfig config)
    {
        Owner = owner;
        Heads = config.KeyValueHeads;
        HeadSize = config.HeadSize;
        MaxPositions = config.MaxPositions;
        _rowFloats = Heads * HeadSize;

        // Buffers 2i and 2i+1 are layer i's keys and values.
        _current = new float[2 * config.Layers][];
        _spare = new float[2 * config.Layers][];
        Array.Fill(_current, []);
        Array.Fill(_spare, []);
    }

    public OnnxCausalLanguageModel Owner { get; }

    public int Heads { get; }

    public int HeadSize { get; }

    public int MaxPositions { get; }

    /// <summary>How many tensors the cache keeps (keys and values of every layer).</summary>
    public int Count => _current.Length;

    public int Length { get; private set; }

    public bool IsDisposed => _disposed;

    /// <summary>Tensor <paramref name="index"/>'s past content: [1, heads, Length, head size].</summary>
    public Memory<float> Past(int index) => _current[index].AsMemory(0, Length * _rowFloats);

    /// <summary>Where tensor <paramref name="index"/>'s present ([1, heads, <paramref name="length"/>, head size]) goes.</summary>
    public Memory<float> Present(int index, int length)
    {
        var needed = length * _rowFloats;
        if (_spare[index].Length < needed)
        {
            // Grow by doubling (bounded by the model's positions) so a long decode reallocates only a few times.
            var positions = Math.Min(MaxPositions, Math.Max(Math.Max(length, MinimumCapacity), 2 * (_spare[index].Length / _rowFloats)));
            _spare[index] = GC.AllocateUninitializedArray<float>(Math.Max(positions, length) * _rowFloats, pinned: true);
        }

        return _spare[index].AsMemory(0, needed);
    }

    /// <summary>Makes the present tensors written by the last forward pass the cache's content.</summary>
    public void Commit(int length)
    {
        for (var i = 0; i < _current.Length; i++)
        {
            (_current[i], _spare[i]) = (_spare[i], _current[i]);
        }

        Length = length;
    }

    public void Truncate(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        if (length == Length)
        {
            return;
        }

        // Head h's positions start at h * Length * headSize; keeping the first `length` moves them to h * length *
        // headSize. Destinations never pass their sources, and Span.CopyTo handles the overlap.
        var oldStride = Length * HeadSize;
        var newStride = length * HeadSize;
        foreach (var buffer in _current)
        {
            for (var h = 1; h < Heads; h++)
            {
                buffer.AsSpan(h * oldStride, newStride).CopyTo(buffer.AsSpan(h * newStride, newStride));
            }
        }

        Length = length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Length = 0;
        Array.Fill(_current, []);
        Array.Fill(_spare, []);
    }
}
