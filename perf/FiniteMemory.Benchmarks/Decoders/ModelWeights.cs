using FiniteMemory.Local.SafeTensors;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>What a decoding step must read at least once: every weight of the model, counted from its safetensors file.</summary>
internal static class ModelWeights
{
    /// <summary>The bytes of float32 weights in <paramref name="folder"/>'s <c>model.safetensors</c> (a tied output projection is the embedding, counted once).</summary>
    public static long Bytes(string folder)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        return file.Tensors.Values.Sum(static t => t.ElementCount) * sizeof(float);
    }
}
