using System.Text.Json;

namespace FiniteMemory.Http.Gemini;

// The generateContent API's JSON (https://ai.google.dev/api/generate-content), as much of it as the client reads
// or writes. Property names become camelCase through GeminiJsonContext; null members are not written.

internal sealed class GeminiRequest
{
    public required List<GeminiContent> Contents { get; set; }

    public GeminiContent? SystemInstruction { get; set; }

    public List<GeminiTool>? Tools { get; set; }

    public GeminiToolConfig? ToolConfig { get; set; }

    public GeminiGenerationConfig? GenerationConfig { get; set; }
}

internal sealed class GeminiContent
{
    public string? Role { get; set; }

    public List<GeminiPart>? Parts { get; set; }
}

internal sealed class GeminiPart
{
    public string? Text { get; set; }

    public bool? Thought { get; set; }

    /// <summary>
    /// An opaque signature of the model's reasoning (base64), on any kind of part; it goes back in the same part
    /// (Gemini 3 rejects a function call sent back without its signature).
    /// </summary>
    public string? ThoughtSignature { get; set; }

    public GeminiFunctionCall? FunctionCall { get; set; }

    public GeminiFunctionResponse? FunctionResponse { get; set; }

    public GeminiBlob? InlineData { get; set; }
}

internal sealed class GeminiFunctionCall
{
    public string? Id { get; set; }

    public required string Name { get; set; }

    public JsonElement? Args { get; set; }
}

internal sealed class GeminiFunctionResponse
{
    public string? Id { get; set; }

    public required string Name { get; set; }

    public JsonElement Response { get; set; }
}

internal sealed class GeminiBlob
{
    public required string MimeType { get; set; }

    public required string Data { get; set; }
}

internal sealed class GeminiTool
{
    public required List<GeminiFunctionDeclaration> FunctionDeclarations { get; set; }
}

internal sealed class GeminiFunctionDeclaration
{
    public required string Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? Parameters { get; set; }
}

internal sealed class GeminiToolConfig
{
    public required GeminiFunctionCallingConfig FunctionCallingConfig { get; set; }
}

internal sealed class GeminiFunctionCallingConfig
{
    public required string Mode { get; set; }

    public List<string>? AllowedFunctionNames { get; set; }
}

internal sealed class GeminiGenerationConfig
{
    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? TopK { get; set; }

    public int? MaxOutputTokens { get; set; }

    public List<string>? StopSequences { get; set; }

    public long? Seed { get; set; }

    public double? PresencePenalty { get; set; }

    public double? FrequencyPenalty { get; set; }

    public string? ResponseMimeType { get; set; }

    public JsonElement? ResponseJsonSchema { get; set; }
}

internal sealed class GeminiResponse
{
    public List<GeminiCandidate>? Candidates { get; set; }

    public GeminiPromptFeedback? PromptFeedback { get; set; }

    public GeminiUsage? UsageMetadata { get; set; }

    public string? ModelVersion { get; set; }

    public string? ResponseId { get; set; }

    /// <summary>Set when a stream reports an error in a chunk instead of a status.</summary>
    public GeminiError? Error { get; set; }
}

internal sealed class GeminiCandidate
{
    public GeminiContent? Content { get; set; }

    public string? FinishReason { get; set; }

    public string? FinishMessage { get; set; }

    public int? Index { get; set; }
}

internal sealed class GeminiPromptFeedback
{
    public string? BlockReason { get; set; }

    public string? BlockReasonMessage { get; set; }
}

internal sealed class GeminiUsage
{
    public long? PromptTokenCount { get; set; }

    public long? CandidatesTokenCount { get; set; }

    public long? CachedContentTokenCount { get; set; }

    public long? ThoughtsTokenCount { get; set; }

    public long? TotalTokenCount { get; set; }
}

internal sealed class GeminiError
{
    public int? Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }
}
