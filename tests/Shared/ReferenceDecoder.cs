using FiniteMemory.Local;
using FiniteMemory.Local.SafeTensors;

namespace FiniteMemory.Testing;

/// <summary>
/// A deliberately plain managed decoder (loops over floats, one position at a time, no batching and no library) for
/// GPT-2 and Llama weights in Hugging Face layout. It is the independent reference the real backends are checked
/// against, and a small real <see cref="ICausalLanguageModel"/> for tests of everything built on the contract.
/// </summary>
public sealed class ReferenceDecoder : ICausalLanguageModel, IAttentionReporter
{
    private readonly Dictionary<string, float[]> _w = new(StringComparer.Ordinal);
    private readonly string _prefix;

    /// <summary>Loads config.json and model.safetensors from <paramref name="folder"/>.</summary>
    public ReferenceDecoder(string folder)
    {
        Config = ModelConfig.Load(Path.Combine(folder, "config.json"));
        using var file = SafeTensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        foreach (var name in file.Tensors.Keys)
        {
            _w[name] = file.ReadFloats(name);
        }

        _prefix = Config.Architecture == ModelArchitecture.Gpt2 && _w.ContainsKey("transformer.wte.weight") ? "transformer." : string.Empty;
    }

    /// <inheritdoc />
    public ModelConfig Config { get; }

    /// <summary>How many forward calls ran and how many positions they computed.</summary>
    public int ComputedPositions { get; private set; }

    /// <inheritdoc />
    public IKeyValueCache CreateCache() => new Cache(Config.Layers);

    /// <inheritdoc />
    public void Forward(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits) => Run(cache, tokens, logits, null);

    /// <inheritdoc />
    public void ForwardWithAttention(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits, Span<float> attentionReceived) =>
        Run(cache, tokens, logits, attentionReceived.ToArray(), attentionReceived);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Run(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits, float[]? attention, Span<float> attentionOut = default)
    {
        var c = (Cache)cache;
        var vocab = Config.VocabSize;
        if (c.Length + tokens.Length > Config.MaxPositions)
        {
            throw new ArgumentException($"The cache would hold {c.Length + tokens.Length} positions but the model has {Config.MaxPositions}; set the memory policy's budget below it.", nameof(tokens));
        }

        var allRows = logits.Length == tokens.Length * vocab;
        if (!allRows && logits.Length != vocab)
        {
            throw new ArgumentException("logits must hold one row or one row per token.", nameof(logits));
        }

        for (var t = 0; t < tokens.Length; t++)
        {
            var x = Config.Architecture == ModelArchitecture.Gpt2 ? Gpt2Position(c, tokens[t], attention) : LlamaPosition(c, tokens[t], attention);
            c.Length++;
            ComputedPositions++;
            if (allRows || t == tokens.Length - 1)
            {
                var row = allRows ? logits.Slice(t * vocab, vocab) : logits;
                var head = Config.Architecture == ModelArchitecture.Gpt2 ? _w[_prefix + "wte.weight"]
                    : _w.TryGetValue("lm_head.weight", out var lm) ? lm : _w["model.embed_tokens.weight"];
                for (var v = 0; v < vocab; v++)
                {
                    double s = 0;
                    for (var i = 0; i < x.Length; i++)
                    {
                        s += x[i] * head[(v * x.Length) + i];
                    }

                    row[v] = (float)s;
                }
            }
        }

        if (attention is not null)
        {
            attention.AsSpan(0, attentionOut.Length).CopyTo(attentionOut);
        }
    }

    private float[] Gpt2Position(Cache c, int token, float[]? attention)
    {
        int h = Config.HiddenSize, pos = c.Length;
        var x = new float[h];
        var wte = _w[_prefix + "wte.weight"];
        var wpe = _w[_prefix + "wpe.weight"];
        for (var i = 0; i < h; i++)
        {
            x[i] = wte[(token * h) + i] + wpe[(pos * h) + i];
        }

        for (var l = 0; l < Config.Layers; l++)
        {
            var p = $"{_prefix}h.{l}.";
            var a = LayerNorm(x, _w[p + "ln_1.weight"], _w[p + "ln_1.bias"]);
            var qkv = Conv1D(a, _w[p + "attn.c_attn.weight"], _w[p + "attn.c_attn.bias"]);
            var q = qkv[..h];
            c.Keys[l].Add(qkv[h..(2 * h)]);
            c.Values[l].Add(qkv[(2 * h)..]);
            var o = Conv1D(Attend(c, l, q, attention), _w[p + "attn.c_proj.weight"], _w[p + "attn.c_proj.bias"]);
            Add(x, o);
            var m = LayerNorm(x, _w[p + "ln_2.weight"], _w[p + "ln_2.bias"]);
            var f = Conv1D(m, _w[p + "mlp.c_fc.weight"], _w[p + "mlp.c_fc.bias"]);
            for (var i = 0; i < f.Length; i++)
            {
                var v = (double)f[i];
                f[i] = (float)(0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v)))));
            }

            Add(x, Conv1D(f, _w[p + "mlp.c_proj.weight"], _w[p + "mlp.c_proj.bias"]));
        }

        return LayerNorm(x, _w[_prefix + "ln_f.weight"], _w[_prefix + "ln_f.bias"]);
    }

    private float[] LlamaPosition(Cache c, int token, float[]? attention)
    {
        int h = Config.HiddenSize, pos = c.Length, hd = Config.HeadSize;
        var x = _w["model.embed_tokens.weight"].AsSpan(token * h, h).ToArray();
        for (var l = 0; l < Config.Layers; l++)
        {
            var p = $"model.layers.{l}.";
            var a = RmsNorm(x, _w[p + "input_layernorm.weight"]);
            var q = Linear(a, _w[p + "self_attn.q_proj.weight"]);
            var k = Linear(a, _w[p + "self_attn.k_proj.weight"]);
            var v = Linear(a, _w[p + "self_attn.v_proj.weight"]);
            foreach (var (projection, name) in new[] { (q, "q_proj"), (k, "k_proj"), (v, "v_proj") })
            {
                // Qwen2: y = W·x + b on the query, key and value projections.
                if (_w.TryGetValue(p + "self_attn." + name + ".bias", out var bias))
                {
                    Add(projection, bias);
                }
            }

            Rope(q, hd, pos);
            Rope(k, hd, pos);
            c.Keys[l].Add(k);
            c.Values[l].Add(v);
            Add(x, Linear(Attend(c, l, q, attention), _w[p + "self_attn.o_proj.weight"]));
            var m = RmsNorm(x, _w[p + "post_attention_layernorm.weight"]);
            var gate = Linear(m, _w[p + "mlp.gate_proj.weight"]);
            var up = Linear(m, _w[p + "mlp.up_proj.weight"]);
            for (var i = 0; i < gate.Length; i++)
            {
                var g = (double)gate[i];
                gate[i] = (float)(g / (1 + Math.Exp(-g)) * up[i]);
            }

            Add(x, Linear(gate, _w[p + "mlp.down_proj.weight"]));
        }

        return RmsNorm(x, _w["model.norm.weight"]);
    }

    // Attention of one query over every cached position (the new one included): per head, grouped-query heads
    // sharing their key/value head.
    private float[] Attend(Cache c, int layer, float[] q, float[]? attention)
    {
        int heads = Config.Heads, hd = Config.HeadSize, group = Config.Heads / Config.KeyValueHeads;
        var keys = c.Keys[layer];
        var values = c.Values[layer];
        var n = keys.Count;
        var output = new float[heads * hd];
        var weights = new double[n];
        for (var head = 0; head < heads; head++)
        {
            var kvHead = head / group;
            var max = double.NegativeInfinity;
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var d = 0; d < hd; d++)
                {
                    s += q[(head * hd) + d] * keys[j][(kvHead * hd) + d];
                }

                weights[j] = s / Math.Sqrt(hd);
                max = Math.Max(max, weights[j]);
            }

            double sum = 0;
            for (var j = 0; j < n; j++)
            {
                weights[j] = Math.Exp(weights[j] - max);
                sum += weights[j];
            }

            for (var j = 0; j < n; j++)
            {
                var wj = weights[j] / sum;
                if (attention is not null)
                {
                    attention[j] += (float)wj;
                }

                for (var d = 0; d < hd; d++)
                {
                    output[(head * hd) + d] += (float)(wj * values[j][(kvHead * hd) + d]);
                }
            }
        }

        return output;
    }

    // Hugging Face's rotate_half convention: dimension i pairs with i + hd/2.
    private void Rope(float[] v, int hd, int pos)
    {
        var half = hd / 2;
        for (var head = 0; head < v.Length / hd; head++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = pos * Math.Pow(Config.RopeTheta, -2.0 * i / hd);
                double cos = Math.Cos(angle), sin = Math.Sin(angle);
                var a = v[(head * hd) + i];
                var b = v[(head * hd) + i + half];
                v[(head * hd) + i] = (float)((a * cos) - (b * sin));
                v[(head * hd) + i + half] = (float)((b * cos) + (a * sin));
            }
        }
    }

    private float[] LayerNorm(float[] x, float[] weight, float[] bias)
    {
        double mean = x.Average(static v => (double)v);
        double variance = x.Average(v => (v - mean) * (v - mean));
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (float)(((x[i] - mean) / Math.Sqrt(variance + Config.NormEpsilon) * weight[i]) + bias[i]);
        }

        return y;
    }

    private float[] RmsNorm(float[] x, float[] weight)
    {
        double ms = x.Average(static v => (double)v * v);
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (float)(x[i] / Math.Sqrt(ms + Config.NormEpsilon) * weight[i]);
        }

        return y;
    }

    // GPT-2's Conv1D: weight [in, out], y = x·W + b.
    private static float[] Conv1D(float[] x, float[] weight, float[] bias)
    {
        var outputs = bias.Length;
        var y = new float[outputs];
        for (var o = 0; o < outputs; o++)
        {
            double s = bias[o];
            for (var i = 0; i < x.Length; i++)
            {
                s += x[i] * weight[(i * outputs) + o];
            }

            y[o] = (float)s;
        }

        return y;
    }

    // torch.nn.Linear without bias: weight [out, in], y = W·x.
    private static float[] Linear(float[] x, float[] weight)
    {
        var outputs = weight.Length / x.Length;
        var y = new float[outputs];
        for (var o = 0; o < outputs; o++)
        {
            double s = 0;
            for (var i = 0; i < x.Length; i++)
            {
                s += x[i] * weight[(o * x.Length) + i];
            }

            y[o] = (float)s;
        }

        return y;
    }

    private static void Add(float[] x, float[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }

    private sealed class Cache : IKeyValueCache
    {
        public Cache(int layers)
        {
            Keys = [.. Enumerable.Range(0, layers).Select(static _ => new List<float[]>())];
            Values = [.. Enumerable.Range(0, layers).Select(static _ => new List<float[]>())];
        }

        public List<float[]>[] Keys { get; }

        public List<float[]>[] Values { get; }

        public int Length { get; set; }

        public void Truncate(int length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
            foreach (var list in Keys.Concat(Values))
            {
                list.RemoveRange(length, list.Count - length);
            }

            Length = length;
        }

        public void Dispose()
        {
        }
    }
}
