using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>Converts between a session's state and a <see cref="CheckpointDocument"/>, validating every field on the way back.</summary>
internal static class SessionCheckpoint
{
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo MessageType =
        AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));

    private const int MaxObservations = int.MaxValue / 2;

    public static CheckpointDocument Capture(MemorySession session, string path)
    {
        var transcript = session.Transcript;
        var entries = new List<CheckpointEntry?>(transcript.Count);
        foreach (var entry in transcript)
        {
            JsonElement message;
            try
            {
                message = JsonSerializer.SerializeToElement(entry.Message, MessageType);
            }
            catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
            {
                throw new CheckpointException(
                    path,
                    $"could not be written: message '{entry.Id}' holds a value that cannot be serialized to JSON ({ex.Message}). Use JSON-serializable values (or JsonElement) in function arguments, results and additional properties.",
                    ex);
            }

            entries.Add(new CheckpointEntry { Id = entry.Id, Pinned = entry.Pinned, Message = message });
        }

        return new CheckpointDocument
        {
            Format = CheckpointDocument.FormatName,
            Version = CheckpointDocument.CurrentVersion,
            SavedAt = session.Options.TimeProvider.GetUtcNow(),
            Tokenizer = session.TokenCounter.Name,
            Policy = session.Options.Policy.Name,
            Budget = session.Options.Budget,
            Calibration = new CalibrationState { Ratio = session.Calibration.Ratio, Observations = session.Calibration.Observations },
            Stats = session.Stats with { LastTurn = null },
            Summary = CaptureSummary(transcript),
            Entries = entries,
        };
    }

    /// <summary>Builds the transcript and restores statistics and calibration into <paramref name="engine"/>; throws before changing anything the caller owns.</summary>
    public static Transcript Restore(this CheckpointDocument document, string path, MemoryEngine engine)
    {
        if (document.Entries is null)
        {
            throw Invalid(path, "has no \"entries\" array");
        }

        var transcript = new Transcript(engine.Counter);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var messages = new ChatMessage[document.Entries.Count];
        for (var i = 0; i < document.Entries.Count; i++)
        {
            var entry = document.Entries[i] ?? throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"has an empty entry #{i + 1}"));
            if (string.IsNullOrEmpty(entry.Id))
            {
                throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"has entry #{i + 1} without an \"id\""));
            }

            if (!ids.Add(entry.Id))
            {
                throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"has entry #{i + 1} repeating the id '{entry.Id}'; ids must be unique"));
            }

            if (entry.Message is not { ValueKind: JsonValueKind.Object } json)
            {
                throw Invalid(path, $"has entry '{entry.Id}' without a \"message\" object");
            }

            if (!json.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(role.GetString()))
            {
                throw Invalid(path, $"has entry '{entry.Id}' whose message has no \"role\"");
            }

            ChatMessage message;
            try
            {
                message = JsonSerializer.Deserialize(json, MessageType) as ChatMessage
                    ?? throw Invalid(path, $"has entry '{entry.Id}' whose message is null");
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
            {
                // FormatException: a data content whose URI or base64 is malformed (UriFormatException).
                throw Invalid(path, $"has entry '{entry.Id}' whose message is invalid ({ex.Message})", ex);
            }

            CheckContents(path, entry.Id, message);
            messages[i] = message;
        }

        if (document.Version < 3)
        {
            // Before version 3 a session could store a tool call the model made although no tool was offered. One
            // before the newest user message can never be answered: kept as text. One after it is kept as a call
            // (its result may still be added), and answered with a note if the next turn comes without one.
            ToolCallGuard.KeepEarlierUnansweredCallsAsText(messages);
        }

        for (var i = 0; i < messages.Length; i++)
        {
            // The recorded pin state is authoritative: a message unpinned in the session may still carry a pin mark.
            var entry = document.Entries[i]!;
            transcript.Add(messages[i], entry.Pinned, entry.Id, engine.Counter.CountMessage(messages[i]), honourPinMark: false);
        }

        transcript.RestoredFromOlderFormat = document.Version < 3 ? messages.Length : 0;

        if (document.Summary is { } summary)
        {
            RestoreSummary(path, summary, transcript);
        }

        if (document.Calibration is { } calibration && string.Equals(document.Tokenizer, engine.Counter.Name, StringComparison.Ordinal))
        {
            // A ratio learned for another vocabulary does not apply to this one, so it is only restored for the same tokenizer.
            if (!double.IsFinite(calibration.Ratio) || calibration.Ratio < TokenCalibration.MinRestorableRatio || calibration.Ratio > TokenCalibration.MaxRatio || calibration.Observations < 0)
            {
                throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"has an invalid calibration (ratio {calibration.Ratio}, {calibration.Observations} observations); the ratio must be between {TokenCalibration.MinRestorableRatio} and {TokenCalibration.MaxRatio}"));
            }

            // Past a few dozen observations the count no longer changes the learning rate: capping it keeps a
            // count saved at int.MaxValue from overflowing on the next observation.
            engine.Calibration.Restore(calibration.Ratio, Math.Min(calibration.Observations, MaxObservations));
        }

        if (document.Stats is { } stats)
        {
            Validate(path, stats);
            engine.Recorder.Restore(stats with { CalibrationRatio = engine.Calibration.Ratio, LastTurn = null });
        }

        return transcript;
    }

    private static SummaryState? CaptureSummary(Transcript transcript)
    {
        if (!transcript.TryGetState<RollingSummary>(out var summary) || summary.Text is null || summary.CoveredCount == 0)
        {
            return null;
        }

        return new SummaryState
        {
            Text = summary.Text,
            Covers = [.. summary.Covered.Select(i => transcript[i].Id)],
            Summarizer = summary.Summarizer,
            Folds = summary.Folds,
        };
    }

    private static void RestoreSummary(string path, SummaryState summary, Transcript transcript)
    {
        if (string.IsNullOrWhiteSpace(summary.Text) || summary.Covers is not { Count: > 0 } covers || string.IsNullOrWhiteSpace(summary.Summarizer) || summary.Folds < 1)
        {
            throw Invalid(path, "has an incomplete \"summary\" (it needs \"text\", \"covers\", \"summarizer\" and \"folds\" of at least 1)");
        }

        var indices = new List<int>(covers.Count);
        foreach (var id in covers)
        {
            var entry = id is null ? null : transcript.Find(id);
            if (entry is null || entry.IsSystem || entry.Pinned)
            {
                throw Invalid(path, $"has a \"summary\" covering '{id}', which is not an unpinned, non-system message of the transcript");
            }

            indices.Add(entry.Index);
        }

        RollingSummary.For(transcript).Restore(summary.Text, indices, summary.Summarizer, summary.Folds);
    }

    // Every content item must be present and complete: the serializer accepts `"contents": [null]` and items
    // missing required fields, which would fail every later turn instead of the restore.
    private static void CheckContents(string path, string id, ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            var problem = content switch
            {
                null => "an empty (null) content item",
                FunctionCallContent { CallId: null or "" } or FunctionCallContent { Name: null or "" } => "a function call without a call id or name",
                FunctionResultContent { CallId: null or "" } => "a function result without a call id",
                _ => null,
            };
            if (problem is not null)
            {
                throw Invalid(path, $"has entry '{id}' whose message holds {problem}");
            }
        }
    }

    private static void Validate(string path, MemoryStats stats)
    {
        Check(stats.PolicyCalls, "policyCalls");
        Check(stats.Turns, "turns");
        Check(stats.TokensSeen, "tokensSeen");
        Check(stats.TokensRetained, "tokensRetained");
        Check(stats.Evictions, "evictions");
        Check(stats.Truncations, "truncations");
        Check(stats.SummariesCreated, "summariesCreated");
        Check(stats.ClustersMerged, "clustersMerged");
        Check(stats.ImportanceEvictions, "importanceEvictions");
        Check(stats.Fallbacks, "fallbacks");
        Check(stats.CacheHits, "cacheHits");
        Check(stats.CacheMisses, "cacheMisses");
        Check(stats.CachedInputTokens, "cachedInputTokens");
        Check(stats.ProviderInputTokens, "providerInputTokens");
        if (stats.PolicyLatencyTotal < TimeSpan.Zero || stats.PolicyLatencyMax < TimeSpan.Zero)
        {
            throw Invalid(path, "has negative policy latencies in \"stats\"");
        }

        void Check(long value, string name)
        {
            if (value < 0)
            {
                throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"has a negative \"stats.{name}\" ({value})"));
            }
        }
    }

    private static CheckpointException Invalid(string path, string problem, Exception? inner = null) =>
        new(path, problem + ": it was damaged or edited by hand. Restore it from a backup.", inner);
}
