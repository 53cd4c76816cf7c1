using FiniteMemory.Local;
using FiniteMemory.Local.SafeTensors;

namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>What to leave out of an exported graph, to test that a broken export is refused.</summary>
internal sealed record Gpt2ExportOptions(bool PositionIds = true, int? Layers = null, bool PresentOutputs = true);

/// <summary>
/// Writes GPT-2 as an ONNX graph in Hugging Face Optimum's with-past decoder layout, from weights under Hugging
/// Face's names, so the ONNX backend can be tested without Python or a download.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>input_ids</c> [batch, sequence] int64, <c>attention_mask</c> [batch, past + sequence] int64,
/// <c>position_ids</c> [batch, sequence] int64 (unless left out: then positions are past … past + sequence - 1),
/// <c>past_key_values.{i}.key</c> / <c>.value</c> [batch, heads, past, head size]. Outputs: <c>logits</c>
/// [batch, sequence, vocabulary] and <c>present.{i}.key</c> / <c>.value</c> [batch, heads, past + sequence, head size].</para>
/// <para>The computation is Hugging Face's GPT2LMHeadModel with opset-17 operators: token and position embeddings
/// (Gather); per layer LayerNormalization, the fused QKV projection (MatMul + Add, then Split), heads by Reshape and
/// Transpose, Concat of past and new keys/values (those are the present outputs), scores Q·Kᵀ/√d plus a mask bias,
/// Softmax, the output projection and residual; then LayerNormalization, the MLP with GELU's tanh approximation written
/// out (0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) with Pow, Mul, Add, Tanh) and residual; a final LayerNormalization
/// and the logits against the transposed token embedding (tied weights).</para>
/// <para>The mask bias is computed once: query i sits at absolute position past + i (Range from past = mask length −
/// sequence length), key j is allowed when j ≤ that position (LessOrEqual) and the attention mask is 1 (Cast to bool,
/// And); allowed entries get 0, the others −1e9 (Where).</para>
/// </remarks>
internal static class Gpt2OnnxBuilder
{
    /// <summary>
    /// Exports the Hugging Face GPT-2 folder <paramref name="folder"/> (<c>config.json</c>, <c>model.safetensors</c>)
    /// to <c>model.onnx</c> beside them and returns that file's path.
    /// </summary>
    public static string Export(string folder, Gpt2ExportOptions? options = null)
    {
        var config = ModelConfig.Load(Path.Combine(folder, "config.json"));
        using var file = SafeTensorsFile.Open(Path.Combine(folder, "model.safetensors"));

        // GPT2LMHeadModel checkpoints prefix the names with "transformer."; GPT2Model ones do not.
        var prefix = file.Contains("transformer.wte.weight") ? "transformer." : string.Empty;
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, Build(config, name => (file.ReadFloats(prefix + name), [.. file[prefix + name].Shape]), options));
        return path;
    }

    /// <summary>The graph of the GPT-2 with dimensions <paramref name="config"/> whose tensors <paramref name="tensor"/> gives by Hugging Face name (without the "transformer." prefix).</summary>
    public static byte[] Build(ModelConfig config, Func<string, (float[] Data, long[] Shape)> tensor, Gpt2ExportOptions? options = null)
    {
        options ??= new Gpt2ExportOptions();
        var (e, heads, headSize) = ((long)config.HiddenSize, (long)config.Heads, (long)config.HeadSize);
        var layers = options.Layers ?? config.Layers;
        var g = new OnnxModelWriter();

        string W(string name)
        {
            var (data, shape) = tensor(name);
            return g.Constant(name, data, shape);
        }

        string I64(string name, params long[] values) => g.Constant(name, values, values.Length);
        string ScalarI64(string name, long value) => g.Constant(name, [value]);
        string ScalarF(string name, float value) => g.Constant(name, [value]);

        g.Input("input_ids", OnnxModelWriter.Int64, "batch_size", "sequence_length");
        g.Input("attention_mask", OnnxModelWriter.Int64, "batch_size", "past_sequence_length + sequence_length");
        if (options.PositionIds)
        {
            g.Input("position_ids", OnnxModelWriter.Int64, "batch_size", "sequence_length");
        }

        for (var i = 0; i < layers; i++)
        {
            g.Input($"past_key_values.{i}.key", OnnxModelWriter.Float, "batch_size", heads, "past_sequence_length", headSize);
            g.Input($"past_key_values.{i}.value", OnnxModelWriter.Float, "batch_size", heads, "past_sequence_length", headSize);
        }

        var zero = ScalarI64("zero", 0);
        var one = ScalarI64("one", 1);
        var axis1 = I64("axes_1", 1);
        var axes12 = I64("axes_1_2", 1, 2);
        var headsShape = I64("shape_heads", 0, 0, heads, headSize);
        var mergedShape = I64("shape_merged", 0, 0, e);
        var qkvSplit = I64("split_qkv", e, e, e);

        // Lengths and the mask bias [batch, 1, sequence, past + sequence].
        var sequence = g.Node("Gather", [g.Node("Shape", ["input_ids"]), one], new OnnxAttribute("axis", Int: 0));
        var total = g.Node("Gather", [g.Node("Shape", ["attention_mask"]), one], new OnnxAttribute("axis", Int: 0));
        var past = g.Node("Sub", [total, sequence]);
        var queryPositions = g.Node("Range", [past, total, one]);
        var keyPositions = g.Node("Range", [zero, total, one]);
        var causal = g.Node("LessOrEqual", [keyPositions, g.Node("Unsqueeze", [queryPositions, axis1])]);
        var padding = g.Node("Unsqueeze", [g.Node("Cast", ["attention_mask"], new OnnxAttribute("to", Int: OnnxModelWriter.Bool)), axes12]);
        var allowed = g.Node("And", [causal, padding]);
        var bias = g.Node("Where", [allowed, ScalarF("mask_open", 0f), ScalarF("mask_closed", -1e9f)]);

        // Embeddings.
        var positions = options.PositionIds ? "position_ids" : g.Node("Unsqueeze", [queryPositions, I64("axes_0", 0)]);
        var x = g.Node("Add", [g.Node("Gather", [W("wte.weight"), "input_ids"]), g.Node("Gather", [W("wpe.weight"), positions])]);

        var scale = ScalarF("attention_scale", (float)(1.0 / Math.Sqrt(config.HeadSize)));
        var geluCube = ScalarF("gelu_cube", 0.044715f);
        var geluScale = ScalarF("gelu_scale", (float)Math.Sqrt(2.0 / Math.PI));
        var half = ScalarF("half", 0.5f);
        var oneF = ScalarF("one_f", 1f);
        var three = ScalarF("three", 3f);
        var epsilon = new OnnxAttribute("epsilon", Float: (float)config.NormEpsilon);
        var lastAxis = new OnnxAttribute("axis", Int: -1);
        var toHeads = new OnnxAttribute("perm", Ints: [0, 2, 1, 3]);

        string LayerNorm(string input, string prefix) =>
            g.Node("LayerNormalization", [input, W(prefix + ".weight"), W(prefix + ".bias")], lastAxis, epsilon);
        string Linear(string input, string prefix) =>
            g.Node("Add", [g.Node("MatMul", [input, W(prefix + ".weight")]), W(prefix + ".bias")]);
        string Heads(string input) =>
            g.Node("Transpose", [g.Node("Reshape", [input, headsShape])], toHeads);

        for (var i = 0; i < layers; i++)
        {
            var h = $"h.{i}.";
            var qkv = g.Node("Split", [Linear(LayerNorm(x, h + "ln_1"), h + "attn.c_attn"), qkvSplit], [g.NewName(), g.NewName(), g.NewName()], new OnnxAttribute("axis", Int: 2));
            var presentKey = options.PresentOutputs ? $"present.{i}.key" : g.NewName();
            var presentValue = options.PresentOutputs ? $"present.{i}.value" : g.NewName();
            g.Node("Concat", [$"past_key_values.{i}.key", Heads(qkv[1])], [presentKey], new OnnxAttribute("axis", Int: 2));
            g.Node("Concat", [$"past_key_values.{i}.value", Heads(qkv[2])], [presentValue], new OnnxAttribute("axis", Int: 2));

            var keysT = g.Node("Transpose", [presentKey], new OnnxAttribute("perm", Ints: [0, 1, 3, 2]));
            var scores = g.Node("Add", [g.Node("Mul", [g.Node("MatMul", [Heads(qkv[0]), keysT]), scale]), bias]);
            var context = g.Node("MatMul", [g.Node("Softmax", [scores], lastAxis), presentValue]);
            var merged = g.Node("Reshape", [g.Node("Transpose", [context], toHeads), mergedShape]);
            x = g.Node("Add", [x, Linear(merged, h + "attn.c_proj")]);

            var f = Linear(LayerNorm(x, h + "ln_2"), h + "mlp.c_fc");
            var inner = g.Node("Add", [f, g.Node("Mul", [g.Node("Pow", [f, three]), geluCube])]);
            var gelu = g.Node("Mul", [g.Node("Mul", [f, half]), g.Node("Add", [g.Node("Tanh", [g.Node("Mul", [inner, geluScale])]), oneF])]);
            x = g.Node("Add", [x, Linear(gelu, h + "mlp.c_proj")]);
        }

        var final = LayerNorm(x, "ln_f");
        g.Node("MatMul", [final, g.Node("Transpose", ["wte.weight"], new OnnxAttribute("perm", Ints: [1, 0]))], ["logits"]);

        g.Output("logits", OnnxModelWriter.Float, "batch_size", "sequence_length", (long)config.VocabSize);
        if (options.PresentOutputs)
        {
            for (var i = 0; i < layers; i++)
            {
                g.Output($"present.{i}.key", OnnxModelWriter.Float, "batch_size", heads, "past_sequence_length + sequence_length", headSize);
                g.Output($"present.{i}.value", OnnxModelWriter.Float, "batch_size", heads, "past_sequence_length + sequence_length", headSize);
            }
        }

        return g.ToModel("gpt2_with_past");
    }
}
