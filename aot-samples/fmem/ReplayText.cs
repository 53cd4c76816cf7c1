using System.Globalization;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Cli;

/// <summary>The readable output of <c>fmem replay</c>.</summary>
internal static class ReplayText
{
    private const int PreviewWidth = 72;

    public static void Write(TextWriter output, ReplayRequest request, MemorySession session, ContextWindow window)
    {
        var stats = window.Stats;
        var report = window.Report;
        var c = CultureInfo.InvariantCulture;

        output.WriteLine(string.Create(c, $"fmem replay {request.Path}"));
        output.WriteLine(string.Create(c, $"policy {report.Policy} · budget {window.Budget:N0} tokens ({window.Available:N0} for messages) · tokenizer {session.TokenCounter.Name}"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"Window: {stats.MessagesRetained:N0} of {stats.MessagesSeen:N0} messages, {window.Tokens:N0} tokens"));

        var idWidth = Math.Max(2, window.Messages.Count == 0 ? 2 : window.Messages.Max(m => m.Id.Length));
        output.WriteLine($"  {"ID".PadRight(idWidth)}  {"ROLE",-9}  {"TOKENS",6}  WHY      CONTENT");
        foreach (var m in window.Messages)
        {
            var role = m.Role.Value + (m.Truncated ? "✂" : string.Empty);
            output.WriteLine(string.Create(c, $"  {m.Id.PadRight(idWidth)}  {role,-9}  {m.Tokens,6:N0}  {Why(m.Reason),-7}  {Preview(m.Message)}"));
        }

        output.WriteLine();
        var kept = new HashSet<string>(report.Kept, StringComparer.Ordinal);
        output.WriteLine(string.Create(c, $"Evicted:   {report.EvictedCount:N0} messages{Ranges(session.Transcript, id => !kept.Contains(id))}"));
        if (report.Summarized.Count > 0)
        {
            var summarized = new HashSet<string>(report.Summarized, StringComparer.Ordinal);
            output.WriteLine(string.Create(c, $"Summarized: {report.Summarized.Count:N0} messages{Ranges(session.Transcript, summarized.Contains)}"));
        }

        output.WriteLine($"Truncated: {(report.Truncated.Count == 0 ? "none" : string.Join(", ", report.Truncated))}");
        output.WriteLine($"Fallback:  {report.Fallback ?? "none"}");
        foreach (var note in report.Notes)
        {
            output.WriteLine($"Note:      {note}");
        }

        output.WriteLine(string.Create(
            c,
            $"Stats:     {stats.TokensSeen:N0} tokens in the transcript → {stats.TokensRetained:N0} in the window ({stats.CompressionRatio:0.0}× smaller); policy {stats.PolicyLatency.TotalMilliseconds:0.000} ms"));
    }

    /// <summary>The short word the report uses for why a message is in the window.</summary>
    internal static string Why(KeepReason reason) => reason switch
    {
        KeepReason.System => "system",
        KeepReason.Pinned => "pinned",
        KeepReason.Query => "query",
        KeepReason.Recent => "recent",
        KeepReason.Selected => "selected",
        KeepReason.Opening => "opening",
        KeepReason.Summary => "summary",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private static string Preview(ChatMessage message)
    {
        var parts = new List<string>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    parts.Add(t.Text);
                    break;
                case FunctionCallContent call:
                    parts.Add($"→ {call.Name}()");
                    break;
                case FunctionResultContent result:
                    parts.Add($"← {result.Result}");
                    break;
                case DataContent or UriContent:
                    parts.Add("[image]");
                    break;
            }
        }

        var oneLine = string.Join(' ', string.Join(' ', parts).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= PreviewWidth ? oneLine : string.Concat(oneLine.AsSpan(0, PreviewWidth - 1), "…");
    }

    // The transcript messages matching a test as runs of consecutive positions: " (m002–m013, m015–m308)".
    private static string Ranges(Transcript transcript, Func<string, bool> included)
    {
        var runs = new List<string>();
        var start = -1;
        for (var i = 0; i <= transcript.Count; i++)
        {
            var evicted = i < transcript.Count && included(transcript[i].Id);
            if (evicted && start < 0)
            {
                start = i;
            }
            else if (!evicted && start >= 0)
            {
                runs.Add(start == i - 1 ? transcript[start].Id : $"{transcript[start].Id}–{transcript[i - 1].Id}");
                start = -1;
            }
        }

        if (runs.Count == 0)
        {
            return string.Empty;
        }

        const int MaxRuns = 8;
        var shown = string.Join(", ", runs.Take(MaxRuns));
        return runs.Count > MaxRuns
            ? string.Create(CultureInfo.InvariantCulture, $" ({shown}, … {runs.Count - MaxRuns} more runs)")
            : $" ({shown})";
    }
}
