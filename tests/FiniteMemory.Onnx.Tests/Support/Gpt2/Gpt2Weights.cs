using System.Globalization;

namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>The dimensions of a GPT-2 model (the fields of its config.json).</summary>
internal sealed record Gpt2Dimensions(int Layers, int Embedding, int Heads, int Positions, int Vocabulary = 50257, double Epsilon = 1e-5, int EndOfText = 50256)
{
    /// <summary>The tests' model: 2 layers, 64 wide, 4 heads, 256 positions, GPT-2's vocabulary.</summary>
    public static Gpt2Dimensions Tiny { get; } = new(Layers: 2, Embedding: 64, Heads: 4, Positions: 256);

    public int HeadSize => Embedding / Heads;

    /// <summary>config.json as Hugging Face Transformers writes it for GPT-2 (the fields ModelConfig reads).</summary>
    public string ConfigJson() => string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "model_type": "gpt2",
          "architectures": ["GPT2LMHeadModel"],
          "vocab_size": {{Vocabulary}},
          "n_embd": {{Embedding}},
          "n_layer": {{Layers}},
          "n_head": {{Heads}},
          "n_positions": {{Positions}},
          "layer_norm_epsilon": {{Epsilon}},
          "bos_token_id": {{EndOfText}},
          "eos_token_id": {{EndOfText}},
          "tie_word_embeddings": true
        }
        """);
}

/// <summary>
/// GPT-2 weights under Hugging Face's names (<c>wte.weight</c>, <c>h.{i}.attn.c_attn.weight</c> …; Conv1D matrices
/// stored [in, out] so <c>y = x·W + b</c>; the output layer tied to <c>wte</c>). <see cref="Random"/> makes the same
/// weights for the same seed on every machine, so other backends' tests can build the identical model.
/// </summary>
internal sealed class Gpt2Weights
{
    private readonly Dictionary<string, (long[] Shape, float[] Data)> _tensors = new(StringComparer.Ordinal);

    private Gpt2Weights(Gpt2Dimensions dimensions) => Dimensions = dimensions;

    public Gpt2Dimensions Dimensions { get; }

    /// <summary>Names in creation order (the order <see cref="Random"/> draws them in).</summary>
    public List<string> Names { get; } = [];

    public float[] this[string name] => _tensors[name].Data;

    public long[] Shape(string name) => _tensors[name].Shape;

    /// <summary>
    /// Random weights: matrices and embeddings normal with standard deviation 0.1 (larger than GPT-2's 0.02 so that
    /// attention and logits are far from uniform and mistakes show), LayerNorm scales near 1, small biases. Drawn
    /// from <see cref="System.Random"/> with <paramref name="seed"/> (its seeded sequence is stable across .NET versions).
    /// </summary>
    public static Gpt2Weights Random(Gpt2Dimensions dimensions, int seed = 1234)
    {
        var random = new Random(seed);
        var weights = new Gpt2Weights(dimensions);
        var (e, v, p) = (dimensions.Embedding, dimensions.Vocabulary, dimensions.Positions);
        weights.Add("wte.weight", random, 0, 0.1, v, e);
        weights.Add("wpe.weight", random, 0, 0.05, p, e);
        for (var i = 0; i < dimensions.Layers; i++)
        {
            var h = $"h.{i}.";
            weights.Add(h + "ln_1.weight", random, 1, 0.1, e);
            weights.Add(h + "ln_1.bias", random, 0, 0.02, e);
            weights.Add(h + "attn.c_attn.weight", random, 0, 0.1, e, 3 * e);
            weights.Add(h + "attn.c_attn.bias", random, 0, 0.02, 3 * e);
            weights.Add(h + "attn.c_proj.weight", random, 0, 0.1, e, e);
            weights.Add(h + "attn.c_proj.bias", random, 0, 0.02, e);
            weights.Add(h + "ln_2.weight", random, 1, 0.1, e);
            weights.Add(h + "ln_2.bias", random, 0, 0.02, e);
            weights.Add(h + "mlp.c_fc.weight", random, 0, 0.1, e, 4 * e);
            weights.Add(h + "mlp.c_fc.bias", random, 0, 0.02, 4 * e);
            weights.Add(h + "mlp.c_proj.weight", random, 0, 0.1, 4 * e, e);
            weights.Add(h + "mlp.c_proj.bias", random, 0, 0.02, e);
        }

        weights.Add("ln_f.weight", random, 1, 0.1, e);
        weights.Add("ln_f.bias", random, 0, 0.02, e);
        return weights;
    }

    private void Add(string name, Random random, double mean, double deviation, params long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < data.Length; i++)
        {
            // Box-Muller: one normal draw from two uniform ones (1 - u keeps the logarithm finite).
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            data[i] = (float)(mean + deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        _tensors[name] = (shape, data);
        Names.Add(name);
    }
}
