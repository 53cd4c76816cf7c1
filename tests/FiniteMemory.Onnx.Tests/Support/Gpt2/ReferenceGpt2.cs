namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>
/// GPT-2's forward pass in plain loops (double accumulation), straight from the weights under Hugging Face's names:
/// the reference the ONNX graph is checked against. Slow and obvious on purpose.
/// </summary>
internal static class ReferenceGpt2
{
    /// <summary>The logits of every position, [tokens, vocabulary] row-major.</summary>
    public static float[] Logits(Gpt2Weights w, IReadOnlyList<int> tokens)
    {
        var d = w.Dimensions;
        var (n, e, heads, hs) = (tokens.Count, d.Embedding, d.Heads, d.HeadSize);
        var x = new double[n][];
        for (var t = 0; t < n; t++)
        {
            x[t] = new double[e];
            for (var c = 0; c < e; c++)
            {
                x[t][c] = w["wte.weight"][(tokens[t] * e) + c] + w["wpe.weight"][(t * e) + c];
            }
        }

        for (var layer = 0; layer < d.Layers; layer++)
        {
            var h = $"h.{layer}.";
            var qkv = x.Select(row => Linear(w, h + "attn.c_attn", LayerNorm(w, h + "ln_1", row, d.Epsilon))).ToArray();
            var attended = new double[n][];
            for (var t = 0; t < n; t++)
            {
                attended[t] = new double[e];
                for (var head = 0; head < heads; head++)
                {
                    var scores = new double[t + 1];
                    for (var j = 0; j <= t; j++)
                    {
                        var dot = 0.0;
                        for (var c = 0; c < hs; c++)
                        {
                            dot += qkv[t][(head * hs) + c] * qkv[j][e + (head * hs) + c];
                        }

                        scores[j] = dot / Math.Sqrt(hs);
                    }

                    var max = scores.Max();
                    var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                    var sum = weights.Sum();
                    for (var j = 0; j <= t; j++)
                    {
                        for (var c = 0; c < hs; c++)
                        {
                            attended[t][(head * hs) + c] += weights[j] / sum * qkv[j][(2 * e) + (head * hs) + c];
                        }
                    }
                }
            }

            for (var t = 0; t < n; t++)
            {
                Accumulate(x[t], Linear(w, h + "attn.c_proj", attended[t]));
                var inner = Linear(w, h + "mlp.c_fc", LayerNorm(w, h + "ln_2", x[t], d.Epsilon));
                for (var c = 0; c < inner.Length; c++)
                {
                    var v = inner[c];
                    inner[c] = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v))));
                }

                Accumulate(x[t], Linear(w, h + "mlp.c_proj", inner));
            }
        }

        var logits = new float[n * d.Vocabulary];
        var wte = w["wte.weight"];
        for (var t = 0; t < n; t++)
        {
            var final = LayerNorm(w, "ln_f", x[t], d.Epsilon);
            for (var v = 0; v < d.Vocabulary; v++)
            {
                var dot = 0.0;
                for (var c = 0; c < e; c++)
                {
                    dot += final[c] * wte[(v * e) + c];
                }

                logits[(t * d.Vocabulary) + v] = (float)dot;
            }
        }

        return logits;
    }

    private static double[] LayerNorm(Gpt2Weights w, string prefix, double[] x, double epsilon)
    {
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        var (gamma, beta) = (w[prefix + ".weight"], w[prefix + ".bias"]);
        return x.Select((v, i) => ((v - mean) / Math.Sqrt(variance + epsilon) * gamma[i]) + beta[i]).ToArray();
    }

    // Conv1D: y = x·W + b with W stored [in, out].
    private static double[] Linear(Gpt2Weights w, string prefix, double[] x)
    {
        var (weight, bias) = (w[prefix + ".weight"], w[prefix + ".bias"]);
        var output = bias.Select(b => (double)b).ToArray();
        for (var i = 0; i < x.Length; i++)
        {
            for (var o = 0; o < output.Length; o++)
            {
                output[o] += x[i] * weight[(i * output.Length) + o];
            }
        }

        return output;
    }

    private static void Accumulate(double[] x, double[] delta)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += delta[i];
        }
    }
}
