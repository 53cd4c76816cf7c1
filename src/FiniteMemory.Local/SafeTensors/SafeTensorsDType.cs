namespace FiniteMemory.Local.SafeTensors;

/// <summary>The element types the safetensors reader converts to <see cref="float"/>.</summary>
public enum SafeTensorsDType
{
    /// <summary>IEEE 754 single precision (<c>F32</c>), 4 bytes.</summary>
    F32,

    /// <summary>IEEE 754 half precision (<c>F16</c>), 2 bytes.</summary>
    F16,

    /// <summary>bfloat16 (<c>BF16</c>): the upper half of a float32, 2 bytes.</summary>
    BF16,
}
