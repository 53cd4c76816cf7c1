using System.Globalization;
using FiniteMemory.Local.SafeTensors;

namespace FiniteMemory.Testing;

/// <summary>The dimensions of a tiny test model.</summary>
public sealed record TinyModelSpec
{
    /// <summary>"gpt2" or "llama".</summary>
    public required string ModelType { get; init; }

    /// <summary>Vocabulary size (50257: GPT-2's tokenizer).</summary>
    public int Vocab { get; init; } = 50257;

    /// <summary>Residual width.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Decoder layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Query heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads (Llama).</summary>
    public int KeyValueHeads { get; init; } = 4;

    /// <summary>MLP width.</summary>
    public int Intermediate { get; init; } = 256;

    /// <summary>Context length.</summary>
    public int Positions { get; init; } = 256;

    /// <summary>Seed of the weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Standard deviation of the weight matrices.</summary>
    public float Scale { get; init; } = 0.08f;

    /// <summary>Llama: whether lm_head shares the embedding.</summary>
    public bool TieEmbeddings { get; init; }

    /// <summary>Llama family: biases on the query, key and value projections, written as a Qwen2 model (<c>model_type</c> "qwen2").</summary>
    public bool AttentionBias { get; init; }

    /// <summary>The end-of-sequence id (GPT-2's &lt;|endoftext|&gt;).</summary>
    public int EosTokenId { get; init; } = 50256;

    /// <summary>The tiny GPT-2 of the tests: 2 layers, width 64, 4 heads, 256 positions, GPT-2's vocabulary.</summary>
    public static TinyModelSpec Gpt2(int seed = 1) => new() { ModelType = "gpt2", Seed = seed };

    /// <summary>The tiny Llama of the tests: 2 layers, width 64, 4 heads over 2 key/value heads, MLP 128, 256 positions.</summary>
    public static TinyModelSpec Llama(int seed = 2) => new() { ModelType = "llama", KeyValueHeads = 2, Intermediate = 128, Seed = seed };
}

/// <summary>
/// Writes tiny random-weight models as Hugging Face folders (config.json + model.safetensors) with deterministic
/// weights, so every backend and test can load the same model. Nothing is downloaded.
/// </summary>
public static class TinyModels
{
    /// <summary>The weights of <paramref name="spec"/> by Hugging Face tensor name, with their shapes.</summary>
    public static IReadOnlyList<(string Name, float[] Data, long[] Shape)> Weights(TinyModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var rng = new Normal(spec.Seed);
        var list = new List<(string, float[], long[])>();
        int h = spec.Hidden, v = spec.Vocab, inner = spec.Intermediate;
        void Matrix(string name, int rows, int cols, float scale) => list.Add((name, rng.Fill(rows * cols, 0, scale), [rows, cols]));
        void Vector(string name, int n, float mean, float scale) => list.Add((name, rng.Fill(n, mean, scale), [n]));

        if (spec.ModelType == "gpt2")
        {
            Matrix("wte.weight", v, h, spec.Scale * 2);
            Matrix("wpe.weight", spec.Positions, h, spec.Scale);
            for (var i = 0; i < spec.Layers; i++)
            {
                var p = $"h.{i}.";
                Vector(p + "ln_1.weight", h, 1, 0.1f);
                Vector(p + "ln_1.bias", h, 0, 0.05f);
                Matrix(p + "attn.c_attn.weight", h, 3 * h, spec.Scale * 2);
                Vector(p + "attn.c_attn.bias", 3 * h, 0, 0.05f);
                Matrix(p + "attn.c_proj.weight", h, h, spec.Scale);
                Vector(p + "attn.c_proj.bias", h, 0, 0.05f);
                Vector(p + "ln_2.weight", h, 1, 0.1f);
                Vector(p + "ln_2.bias", h, 0, 0.05f);
                Matrix(p + "mlp.c_fc.weight", h, inner, spec.Scale);
                Vector(p + "mlp.c_fc.bias", inner, 0, 0.05f);
                Matrix(p + "mlp.c_proj.weight", inner, h, spec.Scale);
                Vector(p + "mlp.c_proj.bias", h, 0, 0.05f);
            }

            Vector("ln_f.weight", h, 1, 0.1f);
            Vector("ln_f.bias", h, 0, 0.05f);
        }
        else
        {
            var headSize = h / spec.Heads;
            var kv = spec.KeyValueHeads * headSize;
            Matrix("model.embed_tokens.weight", v, h, spec.Scale * 2);
            for (var i = 0; i < spec.Layers; i++)
            {
                var p = $"model.layers.{i}.";
                Vector(p + "input_layernorm.weight", h, 1, 0.1f);
                Matrix(p + "self_attn.q_proj.weight", h, h, spec.Scale * 2);
                Matrix(p + "self_attn.k_proj.weight", kv, h, spec.Scale * 2);
                Matrix(p + "self_attn.v_proj.weight", kv, h, spec.Scale * 2);
                if (spec.AttentionBias)
                {
                    Vector(p + "self_attn.q_proj.bias", h, 0, 0.1f);
                    Vector(p + "self_attn.k_proj.bias", kv, 0, 0.1f);
                    Vector(p + "self_attn.v_proj.bias", kv, 0, 0.1f);
                }

                Matrix(p + "self_attn.o_proj.weight", h, h, spec.Scale);
                Vector(p + "post_attention_layernorm.weight", h, 1, 0.1f);
                Matrix(p + "mlp.gate_proj.weight", inner, h, spec.Scale * 2);
                Matrix(p + "mlp.up_proj.weight", inner, h, spec.Scale * 2);
                Matrix(p + "mlp.down_proj.weight", h, inner, spec.Scale);
            }

            Vector("model.norm.weight", h, 1, 0.1f);
            if (!spec.TieEmbeddings)
            {
                Matrix("lm_head.weight", v, h, spec.Scale * 2);
            }
        }

        return list;
    }

    /// <summary>Writes <paramref name="spec"/> to <paramref name="folder"/> (created) and returns the folder.</summary>
    public static string Write(TinyModelSpec spec, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Directory.CreateDirectory(folder);
        var writer = new SafeTensorsWriter().WithMetadata("format", "pt");
        foreach (var (name, data, shape) in Weights(spec))
        {
            writer.Add(name, data, shape);
        }

        writer.Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson(spec));
        return folder;
    }

    /// <summary>
    /// A Llama whose every attention head provably attends to one token: the residual stream is the embedding alone
    /// (attention and MLP outputs are zeroed), every token's embedding has 1 in dimension 1, only
    /// <paramref name="plantedToken"/>'s has 1 in dimension 0; each query head reads dimension 1 into its last
    /// dimension and each key head reads dimension 0 into its last, where RoPE barely rotates (the lowest
    /// frequency). Every query therefore scores the planted token about e^8 times higher than any other.
    /// </summary>
    public static string WritePlantedAttention(TinyModelSpec spec, int plantedToken, string folder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ModelType != "llama")
        {
            throw new ArgumentException("The planted-attention model is a Llama.", nameof(spec));
        }

        int h = spec.Hidden, hd = spec.Hidden / spec.Heads;
        var weights = Weights(spec).ToDictionary(static w => w.Name);
        var embed = weights["model.embed_tokens.weight"].Data;
        for (var t = 0; t < spec.Vocab; t++)
        {
            for (var d = 0; d < h; d++)
            {
                embed[(t * h) + d] = d switch { 0 => t == plantedToken ? 1f : 0f, 1 => 1f, _ => embed[(t * h) + d] * 0.5f };
            }
        }

        for (var l = 0; l < spec.Layers; l++)
        {
            var p = $"model.layers.{l}.";
            Array.Fill(weights[p + "input_layernorm.weight"].Data, 1f);
            Array.Clear(weights[p + "self_attn.o_proj.weight"].Data);
            Array.Clear(weights[p + "mlp.down_proj.weight"].Data);
            var q = weights[p + "self_attn.q_proj.weight"].Data;
            var k = weights[p + "self_attn.k_proj.weight"].Data;
            Array.Clear(q);
            Array.Clear(k);
            for (var head = 0; head < spec.Heads; head++)
            {
                q[(((head * hd) + hd - 1) * h) + 1] = 1f;
            }

            for (var head = 0; head < spec.KeyValueHeads; head++)
            {
                k[(((head * hd) + hd - 1) * h) + 0] = 1f;
            }
        }

        Directory.CreateDirectory(folder);
        var writer = new SafeTensorsWriter();
        foreach (var (name, data, shape) in weights.Values)
        {
            writer.Add(name, data, shape);
        }

        writer.Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson(spec));
        return folder;
    }

    /// <summary>A fresh folder under the temp directory holding <paramref name="spec"/> (callers delete it).</summary>
    public static string WriteToTemp(TinyModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var folder = Path.Combine(Path.GetTempPath(), "fm-tiny-" + spec.ModelType + "-" + Guid.NewGuid().ToString("N")[..8]);
        return Write(spec, folder);
    }

    /// <summary>The config.json Hugging Face Transformers would write for <paramref name="spec"/>.</summary>
    public static string ConfigJson(TinyModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var c = CultureInfo.InvariantCulture;
        return spec.ModelType == "gpt2"
            ? string.Create(c, $$"""
                {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": {{spec.Vocab}}, "n_embd": {{spec.Hidden}},
                 "n_layer": {{spec.Layers}}, "n_head": {{spec.Heads}}, "n_inner": {{spec.Intermediate}}, "n_positions": {{spec.Positions}},
                 "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "bos_token_id": 50256, "eos_token_id": {{spec.EosTokenId}}}
                """)
            : string.Create(c, $$"""
                {"model_type": "{{(spec.AttentionBias ? "qwen2" : "llama")}}", "architectures": ["{{(spec.AttentionBias ? "Qwen2ForCausalLM" : "LlamaForCausalLM")}}"], "vocab_size": {{spec.Vocab}}, "hidden_size": {{spec.Hidden}},
                 "num_hidden_layers": {{spec.Layers}}, "num_attention_heads": {{spec.Heads}}, "num_key_value_heads": {{spec.KeyValueHeads}},
                 "intermediate_size": {{spec.Intermediate}}, "max_position_embeddings": {{spec.Positions}}, "rms_norm_eps": 1e-6,
                 "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": {{(spec.TieEmbeddings ? "true" : "false")}},
                 "bos_token_id": 50256, "eos_token_id": [{{spec.EosTokenId}}]}
                """);
    }

    // SplitMix64 + Box-Muller: the same numbers on every platform and runtime.
    private sealed class Normal(int seed)
    {
        private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;

        public float[] Fill(int n, float mean, float std)
        {
            var values = new float[n];
            for (var i = 0; i < n; i++)
            {
                var u1 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
                var u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
                var z = Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
                values[i] = mean + (float)(std * z);
            }

            return values;
        }

        private ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
