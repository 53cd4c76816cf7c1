using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory.Http.Replicate;

/// <summary>Source-generated (reflection-free) serialization of Replicate's wire format.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ReplicatePredictionRequest))]
[JsonSerializable(typeof(ReplicatePrediction))]
[JsonSerializable(typeof(ReplicateDone))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ReplicateJsonContext : JsonSerializerContext;
