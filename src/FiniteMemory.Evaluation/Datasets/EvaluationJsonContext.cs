using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory.Evaluation;

/// <summary>Source-generated (reflection-free) reading and writing of evaluation datasets.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    NewLine = "\n",
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(EvaluationDataset))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
