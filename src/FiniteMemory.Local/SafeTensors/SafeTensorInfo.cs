namespace FiniteMemory.Local.SafeTensors;

/// <summary>One tensor of a safetensors file, as its header describes it.</summary>
/// <param name="Name">The tensor's name (e.g. <c>h.0.attn.c_attn.weight</c>).</param>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its dimensions (empty for a scalar).</param>
/// <param name="Offset">Where its bytes start, relative to the end of the header.</param>
/// <param name="ByteLength">How many bytes it takes.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, IReadOnlyList<long> Shape, long Offset, long ByteLength)
{
    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The size of one element of <paramref name="dtype"/> in bytes.</summary>
    public static int ElementSize(SafeTensorsDType dtype) => dtype == SafeTensorsDType.F32 ? 4 : 2;
}
