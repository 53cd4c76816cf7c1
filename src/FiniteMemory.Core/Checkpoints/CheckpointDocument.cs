using System.Text.Json.Serialization;

namespace FiniteMemory;

/// <summary>
/// The checkpoint file's shape (format version 3: version 2 plus the revision and etag that detect a second writer;
/// version 2 added the running summary; all three are read). Everything is nullable so that a damaged or
/// hand-edited file is reported field by field instead of failing inside the serializer.
/// </summary>
/// <remarks>
/// Only source data is stored: messages, ids, pins, statistics, calibration and the running summary (which a
/// model may have written, so it cannot be derived again for free). Token counts, turns and groups are derived
/// when the checkpoint is restored, so they can never disagree with the messages; caches such as embeddings are
/// rebuilt on demand.
/// </remarks>
internal sealed class CheckpointDocument
{
    public const string FormatName = "finitememory.checkpoint";
    public const int CurrentVersion = 3;

    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("savedAt")]
    public DateTimeOffset? SavedAt { get; set; }

    // Revision and etag come right after the small header fields, so a save finds them in the file's first bytes
    // without reading the whole conversation.

    /// <summary>Saves so far (0 in files older than version 3); each save writes one more.</summary>
    [JsonPropertyName("revision")]
    public long? Revision { get; set; }

    /// <summary>A random id new with every save: two writers that both saved revision N still differ here.</summary>
    [JsonPropertyName("etag")]
    public string? Etag { get; set; }

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

    [JsonPropertyName("summary")]
    public SummaryState? Summary { get; set; }

    [JsonPropertyName("entries")]
    public List<CheckpointEntry?>? Entries { get; set; }
}
