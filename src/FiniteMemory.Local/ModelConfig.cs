using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory.Local;

/// <summary>The architectures the local backends run.</summary>
public enum ModelArchitecture
{
    /// <summary>GPT-2: learned positions, LayerNorm, GELU MLP, fused QKV (<c>model_type</c> "gpt2").</summary>
    Gpt2,

    /// <summary>Llama family: RoPE, RMSNorm, grouped-query attention, SwiGLU (<c>model_type</c> "llama", "mistral", "qwen2").</summary>
    Llama,
}

/// <summary>
/// A model's dimensions, read from a Hugging Face <c>config.json</c> (GPT-2 names such as <c>n_layer</c> and Llama
/// names such as <c>num_hidden_layers</c> are both understood).
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The architecture.</summary>
    public required ModelArchitecture Architecture { get; init; }

    /// <summary>Vocabulary size (rows of the embedding and of the logits).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Width of the residual stream.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of decoder layers.</summary>
    public required int Layers { get; init; }

    /// <summary>Number of query heads.</summary>
    public required int Heads { get; init; }

    /// <summary>Number of key/value heads (equal to <see cref="Heads"/> without grouped-query attention).</summary>
    public required int KeyValueHeads { get; init; }

    /// <summary>Width of the MLP's inner layer.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>The most positions the model can attend over (its context length).</summary>
    public required int MaxPositions { get; init; }

    /// <summary>The epsilon of LayerNorm (GPT-2) or RMSNorm (Llama).</summary>
    public double NormEpsilon { get; init; } = 1e-5;

    /// <summary>RoPE base (Llama).</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>
    /// The <c>rope_scaling</c> type config.json declares (for example <c>llama3</c>, <c>linear</c>, <c>yarn</c>), or
    /// null when it declares none. A backend that computes rotary embeddings itself must apply it or refuse the model.
    /// </summary>
    public string? RopeScaling { get; init; }

    /// <summary>The attention window of sliding-window models (Mistral's <c>sliding_window</c>), or null for full attention.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Whether the output projection shares the token embedding's weights.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Beginning-of-sequence token id, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence token id, if any (the first of <see cref="EosTokenIds"/>).</summary>
    public int? EosTokenId { get; init; }

    /// <summary>
    /// Every end-of-sequence token id: <c>eos_token_id</c> may be one integer or an array of them (Llama 3 lists
    /// several). Empty when the configuration names none.
    /// </summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Width of one attention head.</summary>
    public int HeadSize => HiddenSize / Heads;

    /// <summary>Reads <c>config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, names an unsupported <c>model_type</c>, or lacks a dimension; the message names the file and the field.</exception>
    public static ModelConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>Parses a <c>config.json</c> document; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">See <see cref="Load"/>.</exception>
    public static ModelConfig Parse(Stream json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        RawModelConfig raw;
        try
        {
            raw = JsonSerializer.Deserialize(json, ModelConfigJsonContext.Default.RawModelConfig)
                ?? throw new InvalidDataException($"{source}: the model configuration is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: the model configuration is not valid JSON ({ex.Message}).", ex);
        }

        var architecture = raw.ModelType?.ToUpperInvariant() switch
        {
            "GPT2" => ModelArchitecture.Gpt2,
            "LLAMA" or "MISTRAL" or "QWEN2" => ModelArchitecture.Llama,
            null => throw new InvalidDataException($"{source}: 'model_type' is missing; supported: gpt2, llama, mistral, qwen2."),
            _ => throw new InvalidDataException($"{source}: model_type '{raw.ModelType}' is not supported; supported: gpt2, llama, mistral, qwen2."),
        };

        int Required(int? value, string name) =>
            value is > 0 ? value.Value : throw new InvalidDataException($"{source}: '{name}' is missing or not a positive integer.");

        var gpt2 = architecture == ModelArchitecture.Gpt2;
        var hidden = Required(raw.HiddenSize ?? raw.NEmbd, gpt2 ? "n_embd" : "hidden_size");
        var heads = Required(raw.NumAttentionHeads ?? raw.NHead, gpt2 ? "n_head" : "num_attention_heads");
        if (hidden % heads != 0)
        {
            throw new InvalidDataException($"{source}: the hidden size {hidden} is not a multiple of the {heads} attention heads.");
        }

        var kvHeads = raw.NumKeyValueHeads ?? heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
        {
            throw new InvalidDataException($"{source}: 'num_key_value_heads' ({kvHeads}) must be positive and divide the {heads} attention heads.");
        }

        return new ModelConfig
        {
            Architecture = architecture,
            VocabSize = Required(raw.VocabSize, "vocab_size"),
            HiddenSize = hidden,
            Layers = Required(raw.NumHiddenLayers ?? raw.NLayer, gpt2 ? "n_layer" : "num_hidden_layers"),
            Heads = heads,
            KeyValueHeads = kvHeads,
            IntermediateSize = gpt2 ? raw.NInner ?? 4 * hidden : Required(raw.IntermediateSize, "intermediate_size"),
            MaxPositions = Required(raw.MaxPositionEmbeddings ?? raw.NPositions, gpt2 ? "n_positions" : "max_position_embeddings"),
            NormEpsilon = raw.RmsNormEps ?? raw.LayerNormEpsilon ?? 1e-5,
            RopeTheta = raw.RopeTheta ?? 10000,
            TieWordEmbeddings = raw.TieWordEmbeddings ?? gpt2,
            BosTokenId = raw.BosTokenId,
            EosTokenId = raw.EosTokenId is [var first, ..] ? first : null,
            EosTokenIds = raw.EosTokenId ?? [],
            RopeScaling = raw.RopeScaling is null ? null : raw.RopeScaling.RopeType ?? raw.RopeScaling.Type ?? "unknown",
            SlidingWindow = raw.SlidingWindow is > 0 ? raw.SlidingWindow : null,
        };
    }
}

/// <summary>config.json as written by Hugging Face Transformers; only the fields the backends use.</summary>
internal sealed class RawModelConfig
{
    [JsonPropertyName("model_type")] public string? ModelType { get; set; }
    [JsonPropertyName("vocab_size")] public int? VocabSize { get; set; }
    [JsonPropertyName("hidden_size")] public int? HiddenSize { get; set; }
    [JsonPropertyName("n_embd")] public int? NEmbd { get; set; }
    [JsonPropertyName("num_hidden_layers")] public int? NumHiddenLayers { get; set; }
    [JsonPropertyName("n_layer")] public int? NLayer { get; set; }
    [JsonPropertyName("num_attention_heads")] public int? NumAttentionHeads { get; set; }
    [JsonPropertyName("n_head")] public int? NHead { get; set; }
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("intermediate_size")] public int? IntermediateSize { get; set; }
    [JsonPropertyName("n_inner")] public int? NInner { get; set; }
    [JsonPropertyName("max_position_embeddings")] public int? MaxPositionEmbeddings { get; set; }
    [JsonPropertyName("n_positions")] public int? NPositions { get; set; }
    [JsonPropertyName("rms_norm_eps")] public double? RmsNormEps { get; set; }
    [JsonPropertyName("layer_norm_epsilon")] public double? LayerNormEpsilon { get; set; }
    [JsonPropertyName("rope_theta")] public double? RopeTheta { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool? TieWordEmbeddings { get; set; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; set; }
    [JsonPropertyName("rope_scaling")] public RawRopeScaling? RopeScaling { get; set; }
    [JsonPropertyName("sliding_window")] public int? SlidingWindow { get; set; }
    [JsonPropertyName("eos_token_id")][JsonConverter(typeof(IntOrIntArrayConverter))] public int[]? EosTokenId { get; set; }
}

/// <summary>config.json's <c>rope_scaling</c> object; only its type is read.</summary>
internal sealed class RawRopeScaling
{
    [JsonPropertyName("rope_type")] public string? RopeType { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
}

/// <summary>Reads a token id given either as one integer or as an array of integers (or null).</summary>
internal sealed class IntOrIntArrayConverter : JsonConverter<int[]>
{
    public override int[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return [reader.GetInt32()];
            case JsonTokenType.StartArray:
                var ids = new List<int>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number)
                    {
                        throw new JsonException("a token id array must hold integers only.");
                    }

                    ids.Add(reader.GetInt32());
                }

                return [.. ids];
            default:
                throw new JsonException($"a token id must be an integer or an array of integers, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var id in value)
        {
            writer.WriteNumberValue(id);
        }

        writer.WriteEndArray();
    }
}

[JsonSourceGenerationOptions(AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(RawModelConfig))]
internal sealed partial class ModelConfigJsonContext : JsonSerializerContext;
