using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>Source-generated (reflection-free) parsing of transcript lines.</summary>
[JsonSourceGenerationOptions(AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ChatJsonlLine))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class ChatJsonlContext : JsonSerializerContext;
