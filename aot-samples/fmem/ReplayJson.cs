using System.Text.Json;

namespace FiniteMemory.Cli;

/// <summary>The <c>--json</c> output of <c>fmem replay</c>: exactly one JSON object.</summary>
internal static class ReplayJson
{
    public static void Write(TextWriter output, ReplayRequest request, MemorySession session, ContextWindow window)
    {
        var stats = window.Stats;
        var result = new ReplayResult
        {
            Policy = window.Report.Policy,
            Budget = window.Budget,
            Tokens = window.Tokens,
            Window = [.. window.Messages.Select(m => new ReplayWindowMessage { Id = m.Id, Role = m.Role.Value, Tokens = m.Tokens, Truncated = m.Truncated, Reason = ReplayText.Why(m.Reason) })],
            Report = new ReplayReport
            {
                Kept = window.Report.Kept,
                Evicted = window.Report.Evicted,
                Truncated = window.Report.Truncated,
                Summarized = window.Report.Summarized,
                Summary = window.Messages.FirstOrDefault(m => m.Index < 0).Message?.Text,
                Notes = window.Report.Notes,
                Fallback = window.Report.Fallback,
            },
            Stats = new ReplayStats
            {
                Tokenizer = session.TokenCounter.Name,
                Reserve = request.Reserve,
                Available = window.Available,
                MessagesSeen = stats.MessagesSeen,
                TokensSeen = stats.TokensSeen,
                MessagesRetained = stats.MessagesRetained,
                TokensRetained = stats.TokensRetained,
                CompressionRatio = Math.Round(stats.CompressionRatio, 3),
                Evicted = stats.Evicted,
                Truncated = stats.Truncated,
                SummariesCreated = stats.SummariesCreated,
                ClustersMerged = stats.ClustersMerged,
                ImportanceEvictions = stats.ImportanceEvictions,
                PolicyLatencyMs = Math.Round(stats.PolicyLatency.TotalMilliseconds, 3),
                Fallbacks = stats.Fallback is null ? 0 : 1,
            },
        };

        output.WriteLine(JsonSerializer.Serialize(result, FmemJsonContext.Default.ReplayResult));
    }
}

internal sealed class ReplayResult
{
    public required string Policy { get; init; }

    public required int Budget { get; init; }

    public required int Tokens { get; init; }

    public required IReadOnlyList<ReplayWindowMessage> Window { get; init; }

    public required ReplayReport Report { get; init; }

    public required ReplayStats Stats { get; init; }
}

internal sealed class ReplayWindowMessage
{
    public required string Id { get; init; }

    public required string Role { get; init; }

    public required int Tokens { get; init; }

    public required bool Truncated { get; init; }

    public required string Reason { get; init; }
}

internal sealed class ReplayReport
{
    public required IReadOnlyList<string> Kept { get; init; }

    public required IReadOnlyList<string> Evicted { get; init; }

    public required IReadOnlyList<string> Truncated { get; init; }

    public required IReadOnlyList<string> Summarized { get; init; }

    public required string? Summary { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required string? Fallback { get; init; }
}

internal sealed class ReplayStats
{
    public required string Tokenizer { get; init; }

    public required int Reserve { get; init; }

    public required int Available { get; init; }

    public required int MessagesSeen { get; init; }

    public required long TokensSeen { get; init; }

    public required int MessagesRetained { get; init; }

    public required int TokensRetained { get; init; }

    public required double CompressionRatio { get; init; }

    public required int Evicted { get; init; }

    public required int Truncated { get; init; }

    public required int SummariesCreated { get; init; }

    public required int ClustersMerged { get; init; }

    public required int ImportanceEvictions { get; init; }

    public required double PolicyLatencyMs { get; init; }

    public required int Fallbacks { get; init; }
}
