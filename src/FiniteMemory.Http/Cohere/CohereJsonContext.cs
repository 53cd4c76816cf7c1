using System.Text.Json.Serialization;

namespace FiniteMemory.Http.Cohere;

/// <summary>Source-generated JSON metadata for Cohere's v2 chat (snake_case, nulls omitted): no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CohereRequest))]
[JsonSerializable(typeof(CohereResponse))]
[JsonSerializable(typeof(CohereStreamEvent))]
[JsonSerializable(typeof(ToolCallWire))]
[JsonSerializable(typeof(CohereContentBlock))]
internal sealed partial class CohereJsonContext : JsonSerializerContext;
