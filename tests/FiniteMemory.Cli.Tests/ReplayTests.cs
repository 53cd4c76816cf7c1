using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FiniteMemory.Cli.Tests;

public class ReplayTests
{
    private static readonly string[] Mandatory = ["sys", "pin", "last"];

    [Test]
    public async Task Replay_json_truncates_a_last_user_message_that_alone_exceeds_the_budget_and_reports_it()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("huge.jsonl", Transcripts.Standard(lastUserWords: 4000));

        var result = await Fmem.RunAsync("replay", path, "--budget", "600", "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        var root = document.RootElement;
        await ReplayInvariants.CheckAsync(root, Transcripts.StandardIds, "last", budget: 600);
        await ReplayInvariants.CheckGroupsAreAtomicAsync(root, Transcripts.StandardToolGroups);

        var last = root.GetProperty("window").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "last");
        await Assert.That(last.GetProperty("truncated").GetBoolean()).IsTrue();
        await Assert.That(last.GetProperty("role").GetString()).IsEqualTo("user");
        await Assert.That(ReplayInvariants.Strings(root.GetProperty("report").GetProperty("truncated"))).Contains("last");
        await Assert.That(root.GetProperty("stats").GetProperty("truncated").GetInt32()).IsEqualTo(1);

        // System and pinned messages are in every window.
        var kept = ReplayInvariants.Strings(root.GetProperty("report").GetProperty("kept"));
        await Assert.That(kept).Contains("sys");
        await Assert.That(kept).Contains("pin");
    }

    [Test]
    public async Task Replay_json_with_room_for_everything_keeps_every_message_whole()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("small.jsonl", Transcripts.Standard(lastUserWords: 20));

        var result = await Fmem.RunAsync("replay", path, "--budget", "100000", "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        var root = document.RootElement;
        await ReplayInvariants.CheckAsync(root, Transcripts.StandardIds, "last", budget: 100000);
        await Assert.That(string.Join(",", ReplayInvariants.Strings(root.GetProperty("report").GetProperty("kept")))).IsEqualTo(string.Join(",", Transcripts.StandardIds));
        await Assert.That(root.GetProperty("report").GetProperty("evicted").GetArrayLength()).IsEqualTo(0);
        await Assert.That(root.GetProperty("report").GetProperty("truncated").GetArrayLength()).IsEqualTo(0);
        await Assert.That(root.GetProperty("window").EnumerateArray().Any(m => m.GetProperty("truncated").GetBoolean())).IsFalse();
        await Assert.That(root.GetProperty("stats").GetProperty("tokensSeen").GetInt64()).IsEqualTo(root.GetProperty("tokens").GetInt64());
    }

    [Test]
    public async Task Replay_json_with_a_tight_budget_evicts_the_oldest_turns_and_keeps_the_newest_without_gaps()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("small.jsonl", Transcripts.Standard(lastUserWords: 20));

        var result = await Fmem.RunAsync("replay", path, "--budget", "400", "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        var root = document.RootElement;
        await ReplayInvariants.CheckAsync(root, Transcripts.StandardIds, "last", budget: 400);
        await ReplayInvariants.CheckGroupsAreAtomicAsync(root, Transcripts.StandardToolGroups);

        var kept = ReplayInvariants.Strings(root.GetProperty("report").GetProperty("kept"));
        var evicted = ReplayInvariants.Strings(root.GetProperty("report").GetProperty("evicted"));
        await Assert.That(evicted.Length).IsGreaterThan(0);
        await Assert.That(kept.Length).IsGreaterThan(Mandatory.Length).Because("the budget leaves room for some recent history");

        // Sliding: every evicted message is older than every kept non-mandatory one.
        var ids = Transcripts.StandardIds.ToList();
        var newestEvicted = evicted.Max(ids.IndexOf);
        var oldestRecent = kept.Where(id => !Mandatory.Contains(id)).Min(ids.IndexOf);
        await Assert.That(newestEvicted).IsLessThan(oldestRecent);
    }

    [Test]
    [Arguments(120, 20)]
    [Arguments(200, 20)]
    [Arguments(333, 20)]
    [Arguments(700, 20)]
    [Arguments(1500, 20)]
    [Arguments(200, 3000)]
    [Arguments(900, 3000)]
    [Arguments(2500, 3000)]
    [Arguments(50000, 3000)]
    public async Task Replay_json_invariants_hold_for_any_budget(int budget, int lastUserWords)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords));

        var result = await Fmem.RunAsync("replay", path, "--budget", budget.ToString(CultureInfo.InvariantCulture), "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        await ReplayInvariants.CheckAsync(document.RootElement, Transcripts.StandardIds, "last", budget);
        await ReplayInvariants.CheckGroupsAreAtomicAsync(document.RootElement, Transcripts.StandardToolGroups);
    }

    [Test]
    [Arguments("o200k", "o200k")]
    [Arguments("cl100k", "cl100k")]
    [Arguments("gpt2", "gpt2")]
    [Arguments("O200K_BASE", "o200k")]
    [Arguments("r50k_base", "gpt2")]
    public async Task Replay_json_counts_with_the_chosen_tokenizer(string tokenizer, string canonical)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 500));

        var result = await Fmem.RunAsync("replay", path, "--budget", "700", "--tokenizer", tokenizer, "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        await ReplayInvariants.CheckAsync(document.RootElement, Transcripts.StandardIds, "last", budget: 700, tokenizer: canonical);
    }

    [Test]
    public async Task Different_tokenizers_count_non_latin_text_differently()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        var o200k = await Fmem.RunAsync("replay", path, "--budget", "100000", "--tokenizer", "o200k", "--json");
        var gpt2 = await Fmem.RunAsync("replay", path, "--budget", "100000", "--tokenizer", "gpt2", "--json");

        using var a = await ReplayInvariants.ParseSingleObjectAsync(o200k);
        using var b = await ReplayInvariants.ParseSingleObjectAsync(gpt2);
        await Assert.That(b.RootElement.GetProperty("tokens").GetInt32()).IsGreaterThan(a.RootElement.GetProperty("tokens").GetInt32());
    }

    [Test]
    public async Task The_reserve_is_held_back_from_the_budget()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        var without = await Fmem.RunAsync("replay", path, "--budget", "900", "--json");
        var with = await Fmem.RunAsync("replay", path, "--budget", "900", "--reserve", "400", "--json");

        using var a = await ReplayInvariants.ParseSingleObjectAsync(without);
        using var b = await ReplayInvariants.ParseSingleObjectAsync(with);
        await ReplayInvariants.CheckAsync(b.RootElement, Transcripts.StandardIds, "last", budget: 900, reserve: 400);
        var availableWithout = a.RootElement.GetProperty("stats").GetProperty("available").GetInt32();
        var availableWith = b.RootElement.GetProperty("stats").GetProperty("available").GetInt32();
        await Assert.That(availableWithout - availableWith).IsEqualTo(400);
        await Assert.That(b.RootElement.GetProperty("tokens").GetInt32()).IsLessThanOrEqualTo(500);
        await Assert.That(b.RootElement.GetProperty("window").GetArrayLength()).IsLessThan(a.RootElement.GetProperty("window").GetArrayLength());
    }

    [Test]
    public async Task Short_option_aliases_and_policy_names_in_any_case_are_accepted()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 20));

        var result = await Fmem.RunAsync("replay", path, "-b", "800", "-p", "SLIDING", "-t", "cl100k", "-r", "50", "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        await ReplayInvariants.CheckAsync(document.RootElement, Transcripts.StandardIds, "last", budget: 800, reserve: 50, tokenizer: "cl100k");
    }

    [Test]
    public async Task Replaying_the_same_transcript_twice_gives_the_same_json_apart_from_latency()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", Transcripts.Standard(lastUserWords: 3000));

        var first = await Fmem.RunAsync("replay", path, "--budget", "650", "--json");
        var second = await Fmem.RunAsync("replay", path, "--budget", "650", "--json");

        await Assert.That(WithoutLatency(second.Stdout)).IsEqualTo(WithoutLatency(first.Stdout));
    }

    [Test]
    public async Task Replay_text_reports_the_window_the_evictions_and_the_truncated_message()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("huge.jsonl", Transcripts.Standard(lastUserWords: 4000));

        var result = await Fmem.RunAsync("replay", path, "--budget", "600");
        var json = await Fmem.RunAsync("replay", path, "--budget", "600", "--json");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
        var text = result.Stdout;
        await Assert.That(text).Contains($"fmem replay {path}");
        await Assert.That(text).Contains("policy sliding");
        await Assert.That(text).Contains("budget 600 tokens");
        await Assert.That(text).Contains("tokenizer o200k");
        await Assert.That(text).Contains("Window: ");
        await Assert.That(text).Contains("Evicted: ");
        await Assert.That(text).Contains("Truncated: last");
        await Assert.That(text).Contains("Fallback:  none");
        await Assert.That(text).Contains("✂");

        // The text and JSON forms describe the same window.
        using var document = await ReplayInvariants.ParseSingleObjectAsync(json);
        var root = document.RootElement;
        var windowCount = root.GetProperty("window").GetArrayLength();
        await Assert.That(text).Contains(FormattableString.Invariant($"Window: {windowCount} of {Transcripts.StandardIds.Length} messages, {root.GetProperty("tokens").GetInt32():N0} tokens"));
        var evicted = root.GetProperty("report").GetProperty("evicted").GetArrayLength();
        await Assert.That(text).Contains(FormattableString.Invariant($"Evicted:   {evicted} messages"));
        var tableLines = text.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.TrimStart().StartsWith("ID", StringComparison.Ordinal)).ToArray();
        await Assert.That(tableLines.Length).IsEqualTo(windowCount);
        foreach (var (line, message) in tableLines.Zip(root.GetProperty("window").EnumerateArray()))
        {
            await Assert.That(line.TrimStart()).StartsWith(message.GetProperty("id").GetString()! + " ");
        }
    }

    [Test]
    public async Task Replay_text_says_nothing_was_truncated_or_evicted_when_everything_fits()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("small.jsonl", Transcripts.Standard(lastUserWords: 20));

        var result = await Fmem.RunAsync("replay", path, "--budget", "100000");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.Stdout).Contains($"Window: {Transcripts.StandardIds.Length} of {Transcripts.StandardIds.Length} messages");
        await Assert.That(result.Stdout).Contains("Evicted:   0 messages");
        await Assert.That(result.Stdout).Contains("Truncated: none");
        await Assert.That(result.Stdout).DoesNotContain("✂");
    }

    [Test]
    public async Task Replay_reads_defaults_ids_from_line_numbers_counting_blank_lines()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("blank.jsonl",
        [
            Transcripts.Line(new { role = "system", content = "s" }),
            string.Empty,
            Transcripts.Line(new { role = "user", content = "first" }),
            Transcripts.Line(new { role = "assistant", content = "answer" }),
            "   ",
            Transcripts.Line(new { role = "user", content = "second" }),
        ]);

        var result = await Fmem.RunAsync("replay", path, "--budget", "1000", "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        await ReplayInvariants.CheckAsync(document.RootElement, ["1", "3", "4", "6"], "6", budget: 1000);
    }

    [Test]
    [Arguments("sliding")]
    [Arguments("importance")]
    [Arguments("semantic")]
    [Arguments("rolling_summary")]
    [Arguments("hybrid")]
    public async Task Replay_of_the_repository_sample_keeps_the_invariants(string policy)
    {
        var root = Fmem.RepositoryRoot();
        var sample = root is null ? null : Path.Combine(root, "samples", "trip-planner.jsonl");
        Skip.Unless(sample is not null && File.Exists(sample), "samples/trip-planner.jsonl is not in this checkout");

        var (ids, lastUser, system, pinned) = Describe(sample!);
        var result = await Fmem.RunAsync("replay", sample!, "--budget", "4000", "--policy", policy, "--json");

        using var document = await ReplayInvariants.ParseSingleObjectAsync(result);
        await ReplayInvariants.CheckAsync(document.RootElement, ids, lastUser, budget: 4000, policy: policy);
        var kept = ReplayInvariants.Strings(document.RootElement.GetProperty("report").GetProperty("kept"));
        foreach (var id in system.Concat(pinned))
        {
            await Assert.That(kept).Contains(id);
        }

        await Assert.That(document.RootElement.GetProperty("report").GetProperty("evicted").GetArrayLength()).IsGreaterThan(0);
    }

    internal static string WithoutLatency(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node["stats"]!.AsObject().Remove("policyLatencyMs");
        return node.ToJsonString();
    }

    // Ids (explicit or line numbers) in file order, the last user message, system and pinned ids.
    private static (List<string> Ids, string LastUser, List<string> System, List<string> Pinned) Describe(string path)
    {
        var ids = new List<string>();
        var system = new List<string>();
        var pinned = new List<string>();
        var lastUser = string.Empty;
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            var id = e.TryGetProperty("id", out var i) && i.ValueKind != JsonValueKind.Null
                ? (i.ValueKind == JsonValueKind.String ? i.GetString()! : i.GetRawText())
                : number.ToString(CultureInfo.InvariantCulture);
            ids.Add(id);
            var role = e.GetProperty("role").GetString();
            if (role is "user")
            {
                lastUser = id;
            }

            if (role is "system" or "developer")
            {
                system.Add(id);
            }

            if (e.TryGetProperty("pinned", out var p) && p.ValueKind == JsonValueKind.True)
            {
                pinned.Add(id);
            }
        }

        return (ids, lastUser, system, pinned);
    }
}
