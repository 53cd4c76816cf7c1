using FiniteMemory.Local;
using TorchSharp;
using static TorchSharp.torch;

namespace FiniteMemory.Torch;

/// <summary>
/// Keys and values per layer as tensors <c>[kvHeads, capacity, headSize]</c>, filled up to <see cref="Length"/>.
/// The capacity grows by doubling (up to the model's positions), so appending a token does not copy the cache, and
/// truncating only moves the length: the positions past it are overwritten by the next forward pass.
/// </summary>
internal sealed class TorchKeyValueCache : IKeyValueCache
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;
    private readonly int _kvHeads;
    private readonly int _headSize;
    private readonly int _maxPositions;
    private int _capacity;

    public TorchKeyValueCache(TorchDecoder owner, int layers, int kvHeads, int headSize, int maxPositions)
    {
        Owner = owner;
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        _kvHeads = kvHeads;
        _headSize = headSize;
        _maxPositions = maxPositions;
    }

    /// <summary>The model that created the cache.</summary>
    public TorchDecoder Owner { get; }

    /// <inheritdoc />
    public int Length { get; private set; }

    /// <inheritdoc />
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
    }

    /// <summary>Makes room for <paramref name="count"/> more positions.</summary>
    public void Reserve(int count)
    {
        var needed = Length + count;
        if (needed <= _capacity)
        {
            return;
        }

        var capacity = Math.Min(_maxPositions, Math.Max(needed, Math.Max(64, _capacity * 2)));
        for (var l = 0; l < _keys.Length; l++)
        {
            _keys[l] = Grow(_keys[l], capacity);
            _values[l] = Grow(_values[l], capacity);
        }

        _capacity = capacity;
    }

    /// <summary>Writes <paramref name="key"/> and <paramref name="value"/> (<c>[kvHeads, T, headSize]</c>) at the end of layer <paramref name="layer"/>.</summary>
    public void Write(int layer, Tensor key, Tensor value)
    {
        var t = key.shape[1];
        using (var k = _keys[layer]!.narrow(1, Length, t))
        {
            k.copy_(key);
        }

        using (var v = _values[layer]!.narrow(1, Length, t))
        {
            v.copy_(value);
        }
    }

    /// <summary>The first <paramref name="length"/> keys of a layer (a view; dispose it).</summary>
    public Tensor Keys(int layer, long length) => _keys[layer]!.narrow(1, 0, length);

    /// <summary>The first <paramref name="length"/> values of a layer (a view; dispose it).</summary>
    public Tensor Values(int layer, long length) => _values[layer]!.narrow(1, 0, length);

    /// <summary>Records that <paramref name="count"/> positions were written to every layer.</summary>
    public void Advance(int count) => Length += count;

    /// <inheritdoc />
    public void Dispose()
    {
        for (var l = 0; l < _keys.Length; l++)
        {
            _keys[l]?.Dispose();
            _values[l]?.Dispose();
            _keys[l] = null;
            _values[l] = null;
        }

        _capacity = 0;
        Length = 0;
    }

    private Tensor Grow(Tensor? old, int capacity)
    {
        var grown = zeros(_kvHeads, capacity, _headSize, dtype: ScalarType.Float32);
        grown.DetachFromDisposeScope();
        if (old is not null)
        {
            if (Length > 0)
            {
                using var target = grown.narrow(1, 0, Length);
                using var source = old.narrow(1, 0, Length);
                target.copy_(source);
            }

            old.Dispose();
        }

        return grown;
    }
}
