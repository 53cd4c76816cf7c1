using System.Text.Json;
using FiniteMemory.Stages;

namespace FiniteMemory.Cli.Tests;

/// <summary>What every <c>fmem replay --json</c> output must satisfy, whatever the transcript.</summary>
internal static class ReplayInvariants
{
    public static readonly string[] TopLevel = ["policy", "budget", "tokens", "window", "report", "stats"];

    public static readonly string[] StatsFields =
    [
        "tokenizer", "reserve", "available", "messagesSeen", "tokensSeen", "messagesRetained", "tokensRetained",
        "compressionRatio", "evicted", "truncated", "summariesCreated", "clustersMerged", "importanceEvictions",
        "policyLatencyMs", "fallbacks",
    ];

    /// <summary>Parses the whole of stdout as one JSON document (fails on anything before or after the object).</summary>
    public static async Task<JsonDocument> ParseSingleObjectAsync(FmemResult result)
    {
        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
        await Assert.That(result.Stdout.TrimEnd('\n', '\r').Contains('\n', StringComparison.Ordinal)).IsFalse();
        var document = JsonDocument.Parse(result.Stdout);
        await Assert.That(document.RootElement.ValueKind).IsEqualTo(JsonValueKind.Object);
        return document;
    }

    /// <summary>Checks the output against the transcript's ids (in file order) and the options used.</summary>
    public static async Task CheckAsync(JsonElement root, IReadOnlyList<string> allIds, string lastUserId, int budget, int reserve = 0, string policy = "sliding", string tokenizer = "o200k")
    {
        await Assert.That(string.Join(",", root.EnumerateObject().Select(p => p.Name))).IsEqualTo(string.Join(",", TopLevel));
        await Assert.That(root.GetProperty("policy").GetString()).IsEqualTo(policy);
        await Assert.That(root.GetProperty("budget").GetInt32()).IsEqualTo(budget);

        // Window: every message has exactly id, role, tokens, truncated; tokens add up and fit.
        var window = root.GetProperty("window").EnumerateArray().ToArray();
        await Assert.That(window.Length).IsGreaterThan(0);
        foreach (var m in window)
        {
            await Assert.That(string.Join(",", m.EnumerateObject().Select(p => p.Name))).IsEqualTo("id,role,tokens,truncated,reason");
            await Assert.That(m.GetProperty("id").ValueKind).IsEqualTo(JsonValueKind.String);
            await Assert.That(m.GetProperty("role").GetString()).IsNotNull();
            await Assert.That(m.GetProperty("tokens").GetInt32()).IsGreaterThan(0);
        }

        var tokens = root.GetProperty("tokens").GetInt32();
        await Assert.That(tokens).IsEqualTo(window.Sum(m => m.GetProperty("tokens").GetInt32()));
        await Assert.That(tokens).IsLessThanOrEqualTo(budget);

        // Window order is file order, with no id twice; a summary (not a transcript message) follows the leading system messages.
        var allWindowIds = window.Select(m => m.GetProperty("id").GetString()!).ToArray();
        var windowIds = allWindowIds.Where(id => id != FrameSummary.Id).ToArray();
        var summaryAt = Array.IndexOf(allWindowIds, FrameSummary.Id);
        if (summaryAt >= 0)
        {
            await Assert.That(window.Take(summaryAt).All(m => m.GetProperty("role").GetString() == "system")).IsTrue();
            await Assert.That(window[summaryAt].GetProperty("reason").GetString()).IsEqualTo("summary");
        }

        var positions = windowIds.Select(id => IndexOf(allIds, id)).ToArray();
        await Assert.That(positions.All(p => p >= 0)).IsTrue().Because($"window ids {string.Join(",", windowIds)} must all be transcript ids");
        for (var i = 1; i < positions.Length; i++)
        {
            await Assert.That(positions[i]).IsGreaterThan(positions[i - 1]).Because($"window ids must be in file order: {string.Join(",", windowIds)}");
        }

        // Report: kept is the window, kept and evicted partition the transcript.
        var report = root.GetProperty("report");
        await Assert.That(string.Join(",", report.EnumerateObject().Select(p => p.Name))).IsEqualTo("kept,evicted,truncated,summarized,summary,notes,fallback");
        await Assert.That(string.Join(",", Strings(report.GetProperty("kept")))).IsEqualTo(string.Join(",", allWindowIds));
        var kept = Strings(report.GetProperty("kept")).Where(id => id != FrameSummary.Id).ToArray();
        var evicted = Strings(report.GetProperty("evicted"));
        var truncated = Strings(report.GetProperty("truncated"));
        await Assert.That(string.Join(",", kept)).IsEqualTo(string.Join(",", windowIds));
        await Assert.That(kept.Intersect(evicted, StringComparer.Ordinal).Any()).IsFalse();
        await Assert.That(kept.Length + evicted.Length).IsEqualTo(allIds.Count);
        await Assert.That(string.Join(",", kept.Concat(evicted).Order(StringComparer.Ordinal))).IsEqualTo(string.Join(",", allIds.Order(StringComparer.Ordinal)));
        await Assert.That(string.Join(",", evicted)).IsEqualTo(string.Join(",", allIds.Where(id => !kept.Contains(id, StringComparer.Ordinal))));
        await Assert.That(report.GetProperty("fallback").ValueKind).IsEqualTo(JsonValueKind.Null);
        var summarized = Strings(report.GetProperty("summarized"));
        await Assert.That(summarized.Length > 0).IsEqualTo(summaryAt >= 0);
        await Assert.That(summarized.All(allIds.Contains)).IsTrue();
        await Assert.That(report.GetProperty("summary").ValueKind).IsEqualTo(summaryAt >= 0 ? JsonValueKind.String : JsonValueKind.Null);

        // Truncation is reported both per message and in the report.
        var truncatedInWindow = window.Where(m => m.GetProperty("truncated").GetBoolean()).Select(m => m.GetProperty("id").GetString()!).ToArray();
        await Assert.That(string.Join(",", truncated)).IsEqualTo(string.Join(",", truncatedInWindow));

        // The newest user message is always in the window.
        await Assert.That(windowIds).Contains(lastUserId);

        // Stats agree with the window and the report.
        var stats = root.GetProperty("stats");
        await Assert.That(string.Join(",", stats.EnumerateObject().Select(p => p.Name))).IsEqualTo(string.Join(",", StatsFields));
        await Assert.That(stats.GetProperty("tokenizer").GetString()).IsEqualTo(tokenizer);
        await Assert.That(stats.GetProperty("reserve").GetInt32()).IsEqualTo(reserve);
        await Assert.That(stats.GetProperty("available").GetInt32()).IsLessThanOrEqualTo(budget - reserve);
        await Assert.That(tokens).IsLessThanOrEqualTo(stats.GetProperty("available").GetInt32());
        await Assert.That(stats.GetProperty("messagesSeen").GetInt32()).IsEqualTo(allIds.Count);
        await Assert.That(stats.GetProperty("messagesRetained").GetInt32()).IsEqualTo(window.Length);
        await Assert.That(stats.GetProperty("tokensRetained").GetInt32()).IsEqualTo(tokens);
        await Assert.That(stats.GetProperty("tokensSeen").GetInt64()).IsGreaterThanOrEqualTo(tokens);
        await Assert.That(stats.GetProperty("evicted").GetInt32()).IsEqualTo(evicted.Length);
        await Assert.That(stats.GetProperty("truncated").GetInt32()).IsEqualTo(truncated.Length);
        await Assert.That(stats.GetProperty("fallbacks").GetInt32()).IsEqualTo(0);
        await Assert.That(stats.GetProperty("policyLatencyMs").GetDouble()).IsGreaterThanOrEqualTo(0);
    }

    /// <summary>A tool call and its results are either all in the window or all out of it.</summary>
    public static async Task CheckGroupsAreAtomicAsync(JsonElement root, IEnumerable<string[]> groups)
    {
        var kept = Strings(root.GetProperty("report").GetProperty("kept"));
        foreach (var group in groups)
        {
            var inWindow = group.Count(id => kept.Contains(id, StringComparer.Ordinal));
            await Assert.That(inWindow == 0 || inWindow == group.Length).IsTrue()
                .Because($"group {string.Join(",", group)} is split: kept {string.Join(",", kept)}");
        }
    }

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
