using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using FiniteMemory.Tests.Fakes;

namespace FiniteMemory.Tests.Checkpoints;

/// <summary>
/// Hostile checkpoint files (issue 20, items 5 and 6): sizes are validated before anything is allocated, only
/// regular files are read, the whole document is validated before it is used, and counters never wrap.
/// </summary>
public class CheckpointHardeningTests
{
    [Test]
    public async Task A_summary_claiming_int_max_folds_restores_without_allocating_one_object_per_fold()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await SummarizedCheckpointAsync(path);
        json["summary"]!["folds"] = int.MaxValue;
        await CheckpointFixtures.WriteAsync(path, json);
        var bytes = await File.ReadAllBytesAsync(path);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var document = CheckpointFile.Parse(path, bytes);
        var transcript = document.Restore(path, new MemoryEngine(SummaryOptions()));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        await Assert.That(allocated).IsLessThan(16L * 1024 * 1024);
        await Assert.That(transcript.TryGetState<RollingSummary>(out var summary)).IsTrue();
        await Assert.That(summary!.Folds).IsEqualTo(int.MaxValue);
    }

    [Test]
    public async Task A_fifo_as_the_checkpoint_is_refused_as_not_a_regular_file_instead_of_hanging()
    {
        using var dir = new TempDirectory();
        var path = dir.File("fifo.json");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync();
            await Assert.That(mkfifo.ExitCode).IsEqualTo(0);
        }

        var bystander = await CheckpointFixtures.BystanderAsync();
        var restore = bystander.RestoreCheckpointAsync(path);

        // A hang guard only: the refusal comes before the file is opened.
        var ex = await Assert.That(async () => await restore.WaitAsync(TimeSpan.FromSeconds(60))).Throws<CheckpointException>();
        await Assert.That(ex!.Message).Contains("not a regular file");
        await Assert.That(bystander.Transcript.Count).IsEqualTo(4);
    }

    [Test]
    public async Task A_device_such_as_dev_zero_is_refused_without_being_read()
    {
        var session = new MemorySession(CheckpointFixtures.Options());

        var ex = await Assert.That(async () => await session.RestoreCheckpointAsync("/dev/zero").WaitAsync(TimeSpan.FromSeconds(60))).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains("not a regular file");
    }

    [Test]
    public async Task A_file_larger_than_the_checkpoint_limit_is_refused_before_it_is_read()
    {
        using var dir = new TempDirectory();
        var path = dir.File("huge.json");
        await using (var stream = File.Create(path))
        {
            // Sparse: no disk space, but the length a reader would have to hold.
            stream.SetLength(CheckpointFile.MaxBytes + 1);
        }

        var session = new MemorySession(CheckpointFixtures.Options());
        var ex = await Assert.That(async () => await session.RestoreCheckpointAsync(path)).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains("too large");
    }

    [Test]
    public async Task Invalid_utf8_in_a_role_is_a_checkpoint_error_naming_the_encoding()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var text = await File.ReadAllBytesAsync(path);
        var role = "\"assistant\""u8.ToArray();
        var at = text.AsSpan().IndexOf(role);
        text[at + 2] = 0xF3;
        await File.WriteAllBytesAsync(path, text);

        await AssertRefusedAsync(path, "invalid UTF-8");
    }

    [Test]
    public async Task A_lone_surrogate_escape_in_a_string_is_a_checkpoint_error()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var text = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(path, text.Replace("\"assistant\"", "\"assist\\ud83d\"", StringComparison.Ordinal));

        await AssertRefusedAsync(path, "cannot be decoded");
    }

    [Test]
    public async Task Bad_base64_in_data_content_is_a_checkpoint_error()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        var message = json["entries"]![1]!["message"]!.AsObject();
        message["contents"] = new JsonArray(new JsonObject { ["$type"] = "data", ["uri"] = "data:image/png;base64,@@not*base64@@" });
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRefusedAsync(path, "is invalid");
    }

    [Test]
    public async Task A_null_content_item_is_a_checkpoint_error()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]![1]!["message"]!["contents"] = new JsonArray((JsonNode?)null);
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRefusedAsync(path, "null");
    }

    [Test]
    [Arguments("entries")]
    [Arguments("format")]
    [Arguments("role")]
    public async Task A_duplicate_key_anywhere_in_the_document_is_a_checkpoint_error_and_nothing_is_overwritten(string key)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var text = await File.ReadAllTextAsync(path);
        var duplicate = key switch
        {
            "entries" => text[..text.LastIndexOf('}')].TrimEnd() + ",\n  \"entries\": []\n}",
            "format" => text.Replace("\"format\":", "\"format\": \"finitememory.checkpoint\", \"format\":", StringComparison.Ordinal),
            _ => text.Replace("\"role\": \"user\"", "\"role\": \"user\", \"role\": \"assistant\"", StringComparison.Ordinal),
        };
        await File.WriteAllTextAsync(path, duplicate);

        await AssertRefusedAsync(path, $"\"{key}\" twice");
        await Assert.That(await File.ReadAllTextAsync(path)).IsEqualTo(duplicate);
    }

    [Test]
    public async Task Counters_saved_at_their_maximum_load_and_saturate_instead_of_wrapping_on_the_next_turn()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        var stats = json["stats"]!.AsObject();
        foreach (var name in (string[])["policyCalls", "turns", "fallbacks", "cacheHits", "cacheMisses"])
        {
            stats[name] = int.MaxValue;
        }

        foreach (var name in (string[])["tokensSeen", "tokensRetained", "evictions", "truncations", "summariesCreated", "clustersMerged", "importanceEvictions", "cachedInputTokens", "providerInputTokens"])
        {
            stats[name] = long.MaxValue;
        }

        stats["policyLatencyTotal"] = TimeSpan.MaxValue.ToString("c");
        stats["policyLatencyMax"] = TimeSpan.MaxValue.ToString("c");
        json["calibration"] = new JsonObject { ["ratio"] = 1.0, ["observations"] = int.MaxValue };
        await CheckpointFixtures.WriteAsync(path, json);

        using var client = new FakeChatClient { DefaultReply = new FakeReply { Text = "fine", InputTokens = 500, CachedInputTokens = 100 } };
        var session = await MemorySession.LoadAsync(path, client, CheckpointFixtures.Options());
        var response = await session.ChatAsync("and one more turn");

        await Assert.That(response.Text).IsEqualTo("fine");
        var after = session.Stats;
        await Assert.That(after.Turns).IsEqualTo(int.MaxValue);
        await Assert.That(after.PolicyCalls).IsEqualTo(int.MaxValue);
        await Assert.That(after.TokensSeen).IsEqualTo(long.MaxValue);
        await Assert.That(after.ProviderInputTokens).IsEqualTo(long.MaxValue);
        await Assert.That(after.CacheHits).IsEqualTo(int.MaxValue);
        await Assert.That(after.PolicyLatencyTotal).IsEqualTo(TimeSpan.MaxValue);
        await Assert.That(session.Calibration.Observations).IsGreaterThan(0);

        // fmem's own file must stay readable by fmem.
        await session.SaveCheckpointAsync(path);
        var again = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        await Assert.That(again.Stats.Turns).IsEqualTo(int.MaxValue);
    }

    [Test]
    public async Task A_negative_usage_from_a_provider_never_makes_the_counters_negative()
    {
        using var client = new FakeChatClient { DefaultReply = new FakeReply { Text = "fine", InputTokens = -5_000, CachedInputTokens = -7 } };
        var session = new MemorySession(client, CheckpointFixtures.Options());

        await session.ChatAsync("hello");

        await Assert.That(session.Stats.ProviderInputTokens).IsGreaterThanOrEqualTo(0);
        await Assert.That(session.Stats.CachedInputTokens).IsGreaterThanOrEqualTo(0);
        using var dir = new TempDirectory();
        await session.SaveCheckpointAsync(dir.File("c.json"));
        await MemorySession.LoadAsync(dir.File("c.json"), null, CheckpointFixtures.Options());
    }

    internal static MemoryOptions SummaryOptions() => new() { Budget = 400, Policy = new FiniteMemory.Policies.RollingSummaryPolicy() };

    /// <summary>Saves a session whose rolling summary covers older turns; returns the file as a mutable JSON object.</summary>
    internal static async Task<JsonObject> SummarizedCheckpointAsync(string path)
    {
        var session = new MemorySession(SummaryOptions());
        session.AddSystem("You are a helpful assistant.");
        for (var t = 1; t < 25; t++)
        {
            session.Add(new ChatMessage(ChatRole.User, $"My locker {t} is in building B{t}; the code is {1000 + t}."), id: $"u{t}");
            session.Add(new ChatMessage(ChatRole.Assistant, $"Noted: locker {t}, building B{t}, code {1000 + t}."), id: $"a{t}");
        }

        session.Add(new ChatMessage(ChatRole.User, "Where is locker 2?"), id: "q");
        await session.PrepareAsync();
        await session.SaveCheckpointAsync(path);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        if (json["summary"] is null)
        {
            throw new InvalidOperationException("The fixture session should have folded a summary.");
        }

        return json;
    }

    private static async Task AssertRefusedAsync(string path, string expected)
    {
        var bystander = await CheckpointFixtures.BystanderAsync();
        var ex = await Assert.That(async () => await bystander.RestoreCheckpointAsync(path)).Throws<CheckpointException>();
        await Assert.That(ex!.Message).Contains(expected);
        await Assert.That(ex.Message).Contains(path);
        await Assert.That(bystander.Transcript.Count).IsEqualTo(4);
    }
}
