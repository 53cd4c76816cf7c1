using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>Source-generated (reflection-free) serialization of checkpoint files.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CheckpointDocument))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
