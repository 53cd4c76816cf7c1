using System.Text.Json.Serialization;

namespace FiniteMemory.Cli;

/// <summary>fmem's source-generated (reflection-free, Native AOT safe) JSON output for every command.</summary>
/// <remarks>
/// Serialization only: fmem writes these types and never reads them, so only the generated writers are needed, not
/// the metadata a reader uses (and the reflection metadata its property lookups keep): 58,864 bytes less in the AOT
/// binary, the same output.
/// </remarks>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(PoliciesResult))]
[JsonSerializable(typeof(EvalOutput))]
internal sealed partial class FmemJsonContext : JsonSerializerContext;
