using System.Text.Json;
using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>One transcript entry: id, pin, and the message in Microsoft.Extensions.AI's JSON form.</summary>
internal sealed class CheckpointEntry
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("pinned")]
    public bool Pinned { get; set; }

    [JsonPropertyName("message")]
    public JsonElement? Message { get; set; }
}
