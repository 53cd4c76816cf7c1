using System.Text.Json.Serialization;
using FiniteMemory.Stats;

namespace FiniteMemory.Checkpoints;

/// <summary>
/// The checkpoint file's shape (format version 1). Everything is nullable so that a damaged or
/// hand-edited file is reported field by field instead of failing inside the serializer.
/// </summary>
/// <remarks>
/// Only source data is stored: messages, ids, pins, statistics and calibration. Token counts, turns and
/// groups are derived when the checkpoint is restored, so they can never disagree with the messages.
/// </remarks>
internal sealed class CheckpointDocument
{
    public const string FormatName = "finitememory.checkpoint";
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("savedAt")]
    public DateTimeOffset? SavedAt { get; set; }

    [JsonPropertyName("tokenizer")]
    public string? Tokenizer { get; set; }

    [JsonPropertyName("policy")]
    public string? Policy { get; set; }

    [JsonPropertyName("budget")]
    public int? Budget { get; set; }

    [JsonPropertyName("calibration")]
    public CalibrationState? Calibration { get; set; }

    [JsonPropertyName("stats")]
    public MemoryStats? Stats { get; set; }

    [JsonPropertyName("entries")]
    public List<CheckpointEntry?>? Entries { get; set; }
}
