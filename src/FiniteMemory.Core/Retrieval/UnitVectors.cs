using System.Numerics.Tensors;

namespace FiniteMemory;

/// <summary>L2 normalization, so that cosine similarity is a dot product everywhere vectors are compared.</summary>
internal static class UnitVectors
{
    /// <summary>Scales <paramref name="vector"/> in place to length 1 (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
