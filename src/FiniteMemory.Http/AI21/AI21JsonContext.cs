using System.Text.Json.Serialization;

namespace FiniteMemory.Http.AI21;

/// <summary>Source-generated (reflection-free) serialization of the AI21 wire format.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AI21ChatRequest))]
[JsonSerializable(typeof(AI21ChatResponse))]
[JsonSerializable(typeof(AI21StreamChunk))]
internal sealed partial class AI21JsonContext : JsonSerializerContext;
