namespace FiniteMemory.Onnx.Embeddings;

/// <summary>
/// sentence-transformers' pooling for all-MiniLM-L6-v2: the mean of the token vectors the attention mask covers,
/// then L2 normalization, so a dot product of two embeddings is their cosine similarity.
/// </summary>
internal static class MeanPooling
{
    /// <summary>
    /// Pools one sequence of a batch output.
    /// </summary>
    /// <param name="hidden">The batch's last_hidden_state, row-major [rows, width, dimensions].</param>
    /// <param name="row">The sequence's row in the batch.</param>
    /// <param name="width">The padded sequence length of the batch.</param>
    /// <param name="length">The sequence's real token count (its attention mask is 1 for exactly these).</param>
    /// <param name="destination">The embedding, <c>dimensions</c> long.</param>
    public static void PoolAndNormalize(ReadOnlySpan<float> hidden, int row, int width, int length, Span<float> destination)
    {
        var dimensions = destination.Length;
        destination.Clear();

        var sequence = hidden.Slice(row * width * dimensions, length * dimensions);
        for (var token = 0; token < length; token++)
        {
            var vector = sequence.Slice(token * dimensions, dimensions);
            for (var i = 0; i < dimensions; i++)
            {
                destination[i] += vector[i];
            }
        }

        // Dividing by the token count before normalizing changes nothing in exact arithmetic; it is kept so the
        // floats follow the reference implementation's order of operations.
        var inverseCount = 1f / length;
        var squares = 0f;
        for (var i = 0; i < dimensions; i++)
        {
            destination[i] *= inverseCount;
            squares += destination[i] * destination[i];
        }

        var inverseNorm = 1f / MathF.Max(MathF.Sqrt(squares), 1e-12f);
        for (var i = 0; i < dimensions; i++)
        {
            destination[i] *= inverseNorm;
        }
    }
}
