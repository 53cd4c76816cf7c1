using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory.Http.Replicate;

// Replicate's HTTP API (https://replicate.com/docs/reference/http): a prediction is created with an input,
// then read by polling its "get" URL or by reading its server-sent-event "stream" URL. Only the fields
// FiniteMemory sends or reads are declared; unknown fields are ignored.

/// <summary>The body of POST /v1/predictions (with a version) or POST /v1/models/{owner}/{name}/predictions.</summary>
internal sealed class ReplicatePredictionRequest
{
    public string? Version { get; init; }

    public required ReplicateInput Input { get; init; }

    public bool? Stream { get; init; }
}

/// <summary>
/// The input of a language model's prediction, with the names Replicate's language models use. Both
/// <c>max_tokens</c> and the older <c>max_new_tokens</c> are sent; a model reads the one it declares.
/// </summary>
internal sealed class ReplicateInput
{
    public required string Prompt { get; init; }

    public string? SystemPrompt { get; init; }

    public string? PromptTemplate { get; init; }

    public int? MaxTokens { get; init; }

    public int? MaxNewTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    /// <summary>Comma-separated, as Replicate's language models take them.</summary>
    public string? StopSequences { get; init; }

    public long? Seed { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    /// <summary>Model-specific inputs from <c>ChatOptions.AdditionalProperties</c>, sent as they are.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A prediction as the API returns it on creation and on every poll.</summary>
internal sealed class ReplicatePrediction
{
    public string? Id { get; init; }

    public string? Model { get; init; }

    public string? Version { get; init; }

    /// <summary><c>starting</c>, <c>processing</c>, <c>succeeded</c>, <c>failed</c>, <c>canceled</c> (or <c>aborted</c>).</summary>
    public string? Status { get; init; }

    /// <summary>An array of text chunks (concatenated) or one string; <see langword="null"/> until there is output.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Why it failed: usually a string, sometimes an object.</summary>
    public JsonElement? Error { get; init; }

    public ReplicateUrls? Urls { get; init; }

    public ReplicateMetrics? Metrics { get; init; }
}

/// <summary>Where to read, stream and cancel a prediction.</summary>
internal sealed class ReplicateUrls
{
    public string? Get { get; init; }

    public string? Cancel { get; init; }

    public string? Stream { get; init; }
}

/// <summary>What the prediction cost: token counts for language models.</summary>
internal sealed class ReplicateMetrics
{
    public int? InputTokenCount { get; init; }

    public int? OutputTokenCount { get; init; }

    public double? PredictTime { get; init; }
}

/// <summary>The data of a stream's <c>done</c> event: <c>{}</c>, or <c>{"reason": "canceled"}</c> / <c>{"reason": "error"}</c>.</summary>
internal sealed class ReplicateDone
{
    public string? Reason { get; init; }
}
