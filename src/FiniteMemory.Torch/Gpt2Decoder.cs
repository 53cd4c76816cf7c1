using FiniteMemory.Local;
using FiniteMemory.Local.SafeTensors;
using static TorchSharp.torch;

namespace FiniteMemory.Torch;

/// <summary>
/// GPT-2: learned positions, pre-LayerNorm blocks, fused QKV in Conv1D layout (<c>[in, out]</c>, y = x·W + b),
/// GELU with the tanh approximation ("gelu_new"), output tied to the token embedding.
/// </summary>
internal sealed class Gpt2Decoder : TorchDecoder
{
    private readonly Tensor _wte;
    private readonly Tensor _wpe;
    private readonly Block[] _blocks;
    private readonly Tensor _lnFWeight;
    private readonly Tensor _lnFBias;

    public Gpt2Decoder(ModelConfig config, SafeTensorsFile file)
        : base(config)
    {
        // Checkpoints saved from GPT2LMHeadModel prefix every name with "transformer.".
        var p = file.Contains("transformer.wte.weight") ? "transformer." : string.Empty;
        int h = config.HiddenSize, inner = config.IntermediateSize;
        _wte = Weight(file, p + "wte.weight", config.VocabSize, h);
        _wpe = Weight(file, p + "wpe.weight", config.MaxPositions, h);
        _blocks = new Block[config.Layers];
        for (var i = 0; i < config.Layers; i++)
        {
            var b = $"{p}h.{i}.";
            _blocks[i] = new Block(
                Weight(file, b + "ln_1.weight", h), Weight(file, b + "ln_1.bias", h),
                Weight(file, b + "attn.c_attn.weight", h, 3 * h), Weight(file, b + "attn.c_attn.bias", 3 * h),
                Weight(file, b + "attn.c_proj.weight", h, h), Weight(file, b + "attn.c_proj.bias", h),
                Weight(file, b + "ln_2.weight", h), Weight(file, b + "ln_2.bias", h),
                Weight(file, b + "mlp.c_fc.weight", h, inner), Weight(file, b + "mlp.c_fc.bias", inner),
                Weight(file, b + "mlp.c_proj.weight", inner, h), Weight(file, b + "mlp.c_proj.bias", h));
        }

        _lnFWeight = Weight(file, p + "ln_f.weight", h);
        _lnFBias = Weight(file, p + "ln_f.bias", h);
        OutputWeight = file.Contains("lm_head.weight") && !config.TieWordEmbeddings ? Weight(file, "lm_head.weight", config.VocabSize, h) : _wte;
    }

    private protected override Tensor OutputWeight { get; }

    private protected override Tensor Embed(Tensor ids, int past) =>
        _wte.index_select(0, ids).add_(_wpe.narrow(0, past, ids.shape[0]));

    private protected override Tensor Layers(TorchKeyValueCache cache, Tensor x, Tensor ids, int past, Tensor? received)
    {
        int h = Config.HiddenSize, heads = Config.Heads, hd = Config.HeadSize;
        var t = x.shape[0];
        var normalized = new long[] { h };
        for (var l = 0; l < _blocks.Length; l++)
        {
            var b = _blocks[l];
            var a = nn.functional.layer_norm(x, normalized, b.Ln1Weight, b.Ln1Bias, Config.NormEpsilon);
            var qkv = addmm(b.AttnBias, a, b.AttnWeight, 1, 1);
            var q = qkv.narrow(1, 0, h).view(t, heads, hd).transpose(0, 1);
            var k = qkv.narrow(1, h, h).view(t, heads, hd).transpose(0, 1);
            var v = qkv.narrow(1, 2 * h, h).view(t, heads, hd).transpose(0, 1);
            cache.Write(l, k, v);
            var attended = Attend(cache, l, q, past, received);
            x = x.add(addmm(b.ProjBias, attended, b.ProjWeight, 1, 1));

            var m = nn.functional.layer_norm(x, normalized, b.Ln2Weight, b.Ln2Bias, Config.NormEpsilon);
            var f = addmm(b.FcBias, m, b.FcWeight, 1, 1);
            x = x.add(addmm(b.MlpProjBias, GeluTanh(f), b.MlpProjWeight, 1, 1));
        }

        return nn.functional.layer_norm(x, normalized, _lnFWeight, _lnFBias, Config.NormEpsilon);
    }

    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GPT-2's "gelu_new".
    private static Tensor GeluTanh(Tensor x) =>
        x.mul(0.5).mul_(x.pow(3).mul_(0.044715).add_(x).mul_(Math.Sqrt(2 / Math.PI)).tanh_().add_(1));

    private sealed record Block(
        Tensor Ln1Weight, Tensor Ln1Bias, Tensor AttnWeight, Tensor AttnBias, Tensor ProjWeight, Tensor ProjBias,
        Tensor Ln2Weight, Tensor Ln2Bias, Tensor FcWeight, Tensor FcBias, Tensor MlpProjWeight, Tensor MlpProjBias);
}
