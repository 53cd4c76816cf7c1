using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>The conversation's running summary in a checkpoint (format version 2 and later).</summary>
internal sealed class SummaryState
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("covers")]
    public List<string?>? Covers { get; set; }

    [JsonPropertyName("summarizer")]
    public string? Summarizer { get; set; }

    [JsonPropertyName("folds")]
    public int Folds { get; set; }
}
