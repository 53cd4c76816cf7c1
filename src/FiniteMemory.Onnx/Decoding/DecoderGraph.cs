using System.Globalization;
using FiniteMemory.Local;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FiniteMemory.Onnx.Decoding;

/// <summary>
/// The names a decoder graph in Hugging Face Optimum's with-past layout uses, checked against the model's
/// <c>config.json</c> when the session is created, so a wrong file fails at load with the name of what is missing
/// rather than at the first forward pass.
/// </summary>
internal sealed class DecoderGraph
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string Logits = "logits";

    private DecoderGraph(string[] pastKeys, string[] pastValues, string[] presentKeys, string[] presentValues, bool hasPositionIds)
    {
        PastKeys = pastKeys;
        PastValues = pastValues;
        PresentKeys = presentKeys;
        PresentValues = presentValues;
        HasPositionIds = hasPositionIds;
    }

    /// <summary><c>past_key_values.{i}.key</c> by layer.</summary>
    public string[] PastKeys { get; }

    /// <summary><c>past_key_values.{i}.value</c> by layer.</summary>
    public string[] PastValues { get; }

    /// <summary><c>present.{i}.key</c> by layer.</summary>
    public string[] PresentKeys { get; }

    /// <summary><c>present.{i}.value</c> by layer.</summary>
    public string[] PresentValues { get; }

    /// <summary>Whether the graph takes <c>position_ids</c> (some exports derive positions from the mask instead).</summary>
    public bool HasPositionIds { get; }

    /// <summary>Checks the session's inputs and outputs against <paramref name="config"/>.</summary>
    /// <exception cref="InvalidDataException">An input or output is missing, unexpected, or has another type or shape; the message names it, the file and the fix.</exception>
    public static DecoderGraph Validate(InferenceSession session, ModelConfig config, string modelPath, string configPath)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var layers = config.Layers;
        string Name(string format, int layer) => string.Format(CultureInfo.InvariantCulture, format, layer);

        var pastKeys = new string[layers];
        var pastValues = new string[layers];
        var presentKeys = new string[layers];
        var presentValues = new string[layers];
        for (var i = 0; i < layers; i++)
        {
            pastKeys[i] = Name("past_key_values.{0}.key", i);
            pastValues[i] = Name("past_key_values.{0}.value", i);
            presentKeys[i] = Name("present.{0}.key", i);
            presentValues[i] = Name("present.{0}.value", i);
        }

        Require(inputs, InputIds, TensorElementType.Int64, "input");
        Require(inputs, AttentionMask, TensorElementType.Int64, "input");
        var hasPositionIds = inputs.ContainsKey(PositionIds);
        if (hasPositionIds)
        {
            Require(inputs, PositionIds, TensorElementType.Int64, "input");
        }

        foreach (var name in pastKeys.Concat(pastValues))
        {
            RequireCache(inputs, name, "input");
        }

        var logits = Require(outputs, Logits, TensorElementType.Float, "output");
        var vocab = logits.Dimensions.Length == 3 ? logits.Dimensions[2] : -1;
        if (logits.Dimensions.Length != 3 || (vocab > 0 && vocab != config.VocabSize))
        {
            throw new InvalidDataException($"{modelPath}: output 'logits' has shape [{Shape(logits)}], but {configPath} says vocab_size {config.VocabSize}: expected [batch, sequence, {config.VocabSize}]. The graph and config.json belong to different models.");
        }

        foreach (var name in presentKeys.Concat(presentValues))
        {
            RequireCache(outputs, name, "output");
        }

        var known = new HashSet<string>(pastKeys.Concat(pastValues).Append(InputIds).Append(AttentionMask).Append(PositionIds), StringComparer.Ordinal);
        var unexpected = inputs.Keys.Where(name => !known.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
        {
            var hint = unexpected.Any(name => name.StartsWith("past_key_values.", StringComparison.Ordinal))
                ? $"the graph has more layers than the {layers} {configPath} says; the graph and config.json belong to different models"
                : "FiniteMemory runs decoders exported with their key/value cache as inputs and outputs (Optimum's text-generation-with-past, one graph without a use_cache_branch)";
            throw new InvalidDataException($"{modelPath}: the graph has input(s) {string.Join(", ", unexpected.Select(name => $"'{name}'"))} that a decoder in Hugging Face Optimum's with-past layout does not take: {hint}.");
        }

        return new DecoderGraph(pastKeys, pastValues, presentKeys, presentValues, hasPositionIds);

        NodeMetadata Require(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, TensorElementType type, string kind)
        {
            if (!nodes.TryGetValue(name, out var node))
            {
                throw new InvalidDataException($"{modelPath}: the graph has no {kind} '{name}'. FiniteMemory expects a decoder exported in Hugging Face Optimum's with-past layout (inputs input_ids, attention_mask, optional position_ids, past_key_values.{{i}}.key/value for each of the {layers} layers of {configPath}; outputs logits, present.{{i}}.key/value), e.g. 'optimum-cli export onnx --task text-generation-with-past'.");
            }

            if (!node.IsTensor || node.ElementDataType != type)
            {
                throw new InvalidDataException($"{modelPath}: {kind} '{name}' is {(node.IsTensor ? node.ElementDataType.ToString() : node.OnnxValueType.ToString())}, expected a {type} tensor (float32 exports only; re-export without fp16/quantized cache types).");
            }

            return node;
        }

        void RequireCache(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, string kind)
        {
            var node = Require(nodes, name, TensorElementType.Float, kind);
            var dims = node.Dimensions;
            if (dims.Length != 4
                || (dims[1] > 0 && dims[1] != config.KeyValueHeads)
                || (dims[3] > 0 && dims[3] != config.HeadSize))
            {
                throw new InvalidDataException($"{modelPath}: {kind} '{name}' has shape [{Shape(node)}], but {configPath} implies [batch, {config.KeyValueHeads} key/value heads, positions, {config.HeadSize} per head]. The graph and config.json belong to different models.");
            }
        }
    }

    private static string Shape(NodeMetadata node) =>
        string.Join(", ", node.Dimensions.Select((d, i) => d > 0 ? d.ToString(CultureInfo.InvariantCulture) : node.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?"));
}
