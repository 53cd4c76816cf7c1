using System.Text.Json.Serialization;

namespace FiniteMemory.Cli;

/// <summary>fmem's source-generated (reflection-free, Native AOT safe) JSON output for every command.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(PoliciesResult))]
[JsonSerializable(typeof(EvalOutput))]
internal sealed partial class FmemJsonContext : JsonSerializerContext;
