using FiniteMemory.Local;
using FiniteMemory.Local.SafeTensors;
using static TorchSharp.torch;

namespace FiniteMemory.Torch;

/// <summary>
/// Llama family (Llama, Mistral, Qwen2 with its q/k/v biases): RMSNorm, rotary position embeddings in Hugging Face's
/// rotate-half convention, grouped-query attention, SwiGLU MLP; the output projection is <c>lm_head.weight</c>
/// unless tied to the embedding.
/// </summary>
internal sealed class LlamaDecoder : TorchDecoder
{
    private readonly Tensor _embed;
    private readonly Block[] _blocks;
    private readonly Tensor _norm;
    private readonly Tensor _cos;
    private readonly Tensor _sin;

    public LlamaDecoder(ModelConfig config, SafeTensorsFile file)
        : base(config)
    {
        Refuse(config, file);
        int h = config.HiddenSize, inner = config.IntermediateSize, kv = config.KeyValueHeads * config.HeadSize;
        _embed = Weight(file, "model.embed_tokens.weight", config.VocabSize, h);
        _blocks = new Block[config.Layers];
        for (var i = 0; i < config.Layers; i++)
        {
            var b = $"model.layers.{i}.";

            // Linear weights are [out, in]; kept transposed so a row of activations multiplies them directly.
            _blocks[i] = new Block(
                Weight(file, b + "input_layernorm.weight", h),
                Transposed(file, b + "self_attn.q_proj.weight", h, h),
                Transposed(file, b + "self_attn.k_proj.weight", kv, h),
                Transposed(file, b + "self_attn.v_proj.weight", kv, h),
                Transposed(file, b + "self_attn.o_proj.weight", h, h),
                Weight(file, b + "post_attention_layernorm.weight", h),
                Transposed(file, b + "mlp.gate_proj.weight", inner, h),
                Transposed(file, b + "mlp.up_proj.weight", inner, h),
                Transposed(file, b + "mlp.down_proj.weight", h, inner))
            {
                // Qwen2 adds biases to the query, key and value projections (never to the output one).
                QBias = OptionalWeight(file, b + "self_attn.q_proj.bias", h),
                KBias = OptionalWeight(file, b + "self_attn.k_proj.bias", kv),
                VBias = OptionalWeight(file, b + "self_attn.v_proj.bias", kv),
            };
        }

        _norm = Weight(file, "model.norm.weight", h);
        OutputWeight = file.Contains("lm_head.weight") && !config.TieWordEmbeddings ? Weight(file, "lm_head.weight", config.VocabSize, h) : _embed;

        // cos/sin per position and dimension: frequency i pairs dimension i with i + hd/2 (rotate_half).
        var hd = config.HeadSize;
        using var scope = NewDisposeScope();
        var inverse = pow(config.RopeTheta, arange(0, hd, 2, dtype: ScalarType.Float64).div(hd)).reciprocal();
        var angles = outer(arange(config.MaxPositions, dtype: ScalarType.Float64), inverse);
        var both = cat([angles, angles], 1);
        _cos = Own(both.cos().to_type(ScalarType.Float32).MoveToOuterDisposeScope());
        _sin = Own(both.sin().to_type(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    private protected override Tensor OutputWeight { get; }

    private protected override Tensor Embed(Tensor ids, int past) => _embed.index_select(0, ids);

    private protected override Tensor Layers(TorchKeyValueCache cache, Tensor x, Tensor ids, int past, Tensor? received)
    {
        int heads = Config.Heads, kvHeads = Config.KeyValueHeads, hd = Config.HeadSize;
        var t = x.shape[0];
        var cos = _cos.narrow(0, past, t);
        var sin = _sin.narrow(0, past, t);
        for (var l = 0; l < _blocks.Length; l++)
        {
            var b = _blocks[l];
            var a = RmsNorm(x, b.InputNorm);
            var q = Rotate(Project(a, b.Q, b.QBias).view(t, heads, hd).transpose(0, 1), cos, sin);
            var k = Rotate(Project(a, b.K, b.KBias).view(t, kvHeads, hd).transpose(0, 1), cos, sin);
            var v = Project(a, b.V, b.VBias).view(t, kvHeads, hd).transpose(0, 1);
            cache.Write(l, k, v);
            x = x.add(matmul(Attend(cache, l, q, past, received), b.O));

            var m = RmsNorm(x, b.PostNorm);
            var gate = nn.functional.silu(matmul(m, b.Gate)).mul_(matmul(m, b.Up));
            x = x.add(matmul(gate, b.Down));
        }

        return RmsNorm(x, _norm);
    }

    // Refuses what this decoder does not compute, rather than loading the model and answering subtly wrong.
    private static void Refuse(ModelConfig config, SafeTensorsFile file)
    {
        if (config.RopeScaling is { } scaling && !string.Equals(scaling, "default", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{file.Path}: config.json declares rope_scaling of type '{scaling}', which the TorchSharp decoder does not implement (it computes plain rotary embeddings, so the model would load and answer wrongly). Use a model without rope_scaling, or its ONNX export with the onnx backend.");
        }

        if (config.SlidingWindow is { } window && window < config.MaxPositions)
        {
            throw new InvalidDataException($"{file.Path}: config.json declares a sliding attention window of {window} positions, below the model's {config.MaxPositions}; the TorchSharp decoder attends over the whole window. Set max_position_embeddings to {window} in a copy of config.json (and keep the memory budget below it), or use the model's ONNX export with the onnx backend.");
        }
    }

    private static Tensor Project(Tensor x, Tensor weight, Tensor? bias) => bias is null ? matmul(x, weight) : addmm(bias, x, weight, 1, 1);

    private Tensor? OptionalWeight(SafeTensorsFile file, string name, params long[] shape) => file.Contains(name) ? Weight(file, name, shape) : null;

    private Tensor Transposed(SafeTensorsFile file, string name, long rows, long cols)
    {
        var w = Weight(file, name, rows, cols);
        return Own(w.t().contiguous());
    }

    private Tensor RmsNorm(Tensor x, Tensor weight) =>
        x.mul(x.pow(2).mean([-1L], keepdim: true).add_(Config.NormEpsilon).rsqrt_()).mul_(weight);

    // x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] over the two halves of the head dimension.
    private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[2] / 2;
        var rotated = cat([x.narrow(2, half, half).neg(), x.narrow(2, 0, half)], 2);
        return x.mul(cos).add_(rotated.mul_(sin));
    }

    private sealed record Block(Tensor InputNorm, Tensor Q, Tensor K, Tensor V, Tensor O, Tensor PostNorm, Tensor Gate, Tensor Up, Tensor Down)
    {
        public Tensor? QBias { get; init; }

        public Tensor? KBias { get; init; }

        public Tensor? VBias { get; init; }
    }
}
