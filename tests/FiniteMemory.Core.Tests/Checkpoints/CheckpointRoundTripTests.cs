using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Checkpoints;

public class CheckpointRoundTripTests
{
    [Test]
    public async Task A_restored_session_has_the_same_ids_roles_texts_and_pins_in_the_same_order()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(restored.Transcript.Count).IsEqualTo(original.Transcript.Count);
        await Assert.That(Seq(restored.Transcript.Select(e => e.Id))).IsEqualTo(Seq(original.Transcript.Select(e => e.Id)));
        for (var i = 0; i < original.Transcript.Count; i++)
        {
            var before = original.Transcript[i];
            var after = restored.Transcript[i];
            await Assert.That(after.Id).IsEqualTo(before.Id);
            await Assert.That(after.Index).IsEqualTo(before.Index);
            await Assert.That(after.Role).IsEqualTo(before.Role);
            await Assert.That(after.Message.Text).IsEqualTo(before.Message.Text);
            await Assert.That(after.Message.AuthorName).IsEqualTo(before.Message.AuthorName);
            await Assert.That(after.Pinned).IsEqualTo(before.Pinned);
            await Assert.That(after.Turn).IsEqualTo(before.Turn);
        }

        await Assert.That(restored.Transcript.Find("allergy")!.Pinned).IsTrue();
        await Assert.That(restored.Transcript.Find("u1")!.Pinned).IsFalse();
        await Assert.That(restored.Transcript.Find("u1")!.Message.AuthorName).IsEqualTo("alice");
        await Assert.That(restored.Transcript.Find("a2")!.Message.Text).IsEqualTo("東京は晴れです。Привет! مرحبا بك 🌸 Δ-Tokyo: Park Hyatt or Keio Plaza.");
        await Assert.That(restored.Transcript.Find("empty")!.Message.Text).IsEqualTo(string.Empty);
    }

    [Test]
    public async Task A_restored_session_has_contents_of_the_same_types_and_values()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        for (var i = 0; i < original.Transcript.Count; i++)
        {
            var before = original.Transcript[i].Message.Contents;
            var after = restored.Transcript[i].Message.Contents;
            await Assert.That(Seq(after.Select(c => c.GetType().Name))).IsEqualTo(Seq(before.Select(c => c.GetType().Name)));
            for (var c = 0; c < before.Count; c++)
            {
                await AssertSameContent(before[c], after[c]);
            }
        }
    }

    [Test]
    public async Task Parallel_function_calls_keep_their_call_ids_names_and_nested_json_arguments()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        await CheckpointFixtures.RichSession().SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        var calls = restored.Transcript.Find("a1")!.Message.Contents.OfType<FunctionCallContent>().ToArray();
        await Assert.That(calls.Length).IsEqualTo(2);
        await Assert.That(calls[0].CallId).IsEqualTo("call_weather");
        await Assert.That(calls[0].Name).IsEqualTo("get_weather");
        await Assert.That(calls[1].CallId).IsEqualTo("call_hotels");
        await Assert.That(calls[1].Name).IsEqualTo("search_hotels");
        await Assert.That(ToJson(calls[0].Arguments!["city"]).GetString()).IsEqualTo("東京");
        await Assert.That(ToJson(calls[0].Arguments!["days"]).GetInt32()).IsEqualTo(3);
        var options = ToJson(calls[0].Arguments!["options"]);
        await Assert.That(options.GetProperty("hours")[2].GetInt32()).IsEqualTo(18);
        await Assert.That(options.GetProperty("detail").GetProperty("wind").GetBoolean()).IsTrue();
        await Assert.That(options.GetProperty("detail").GetProperty("uv").ValueKind).IsEqualTo(JsonValueKind.Null);
        var filters = ToJson(calls[1].Arguments!["filters"]);
        await Assert.That(filters.GetProperty("budget").GetProperty("perNight").GetDouble()).IsEqualTo(35000.5);
        await Assert.That(filters.GetProperty("amenities")[1].GetString()).IsEqualTo("gym");

        var results = new[] { "t1", "t2" }.Select(id => restored.Transcript.Find(id)!.Message.Contents.OfType<FunctionResultContent>().Single()).ToArray();
        await Assert.That(results[0].CallId).IsEqualTo("call_weather");
        await Assert.That(results[1].CallId).IsEqualTo("call_hotels");

        // The results still join their call's group, so no window can split them from the call.
        var group = restored.Transcript.Find("a1")!.Group;
        await Assert.That(restored.Transcript.Find("t1")!.Group).IsEqualTo(group);
        await Assert.That(restored.Transcript.Find("t2")!.Group).IsEqualTo(group);
    }

    [Test]
    public async Task Custom_additional_properties_survive_the_round_trip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        var lastId = original.Transcript[^1].Id;
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        var properties = restored.Transcript.Find(lastId)!.Message.AdditionalProperties;
        await Assert.That(properties).IsNotNull();
        await Assert.That(ToJson(properties!["client"]).GetString()).IsEqualTo("mobile");
        await Assert.That(ToJson(properties["priority"]).GetInt32()).IsEqualTo(3);
        await Assert.That(ToJson(properties["tags"])[1].GetString()).IsEqualTo("urgent");
        await Assert.That(ToJson(properties["geo"]).GetProperty("lon").GetDouble()).IsEqualTo(139.6917);
    }

    [Test]
    public async Task Every_entry_costs_the_same_number_of_tokens_after_a_round_trip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(Seq(restored.Transcript.Select(e => $"{e.Id}={e.Tokens}")))
            .IsEqualTo(Seq(original.Transcript.Select(e => $"{e.Id}={e.Tokens}")));
        await Assert.That(restored.Transcript.TotalTokens).IsEqualTo(original.Transcript.TotalTokens);
        await Assert.That(restored.Transcript.Groups.Count).IsEqualTo(original.Transcript.Groups.Count);
        await Assert.That(Seq(restored.Transcript.MandatoryGroups)).IsEqualTo(Seq(original.Transcript.MandatoryGroups));
    }

    [Test]
    public async Task A_structured_tool_result_costs_the_same_number_of_tokens_after_a_round_trip()
    {
        // Tool results are often JSON objects. The checkpoint file is written indented; the restored result
        // must still be counted as the compact JSON a provider receives, not as the file's layout.
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = new MemorySession(CheckpointFixtures.Options());
        original.Add(new ChatMessage(ChatRole.User, "Find hotels."), id: "u");
        original.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "search_hotels", new Dictionary<string, object?> { ["city"] = "Tokyo" })]), id: "call");
        original.Add(
            new ChatMessage(ChatRole.Tool,
            [
                new FunctionResultContent("c1", CheckpointFixtures.Json("""{"hotels":[{"name":"Park Hyatt","stars":5,"tags":["view","spa"]},{"name":"Keio Plaza","stars":4,"tags":["station"]}],"total":2}""")),
            ]),
            id: "result");
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(restored.Transcript.Find("result")!.Tokens).IsEqualTo(original.Transcript.Find("result")!.Tokens);
        await Assert.That(restored.Transcript.TotalTokens).IsEqualTo(original.Transcript.TotalTokens);
    }

    [Test]
    public async Task Statistics_survive_the_round_trip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession(CheckpointFixtures.Options(budget: 200));
        await original.PrepareAsync();
        await original.PrepareAsync();
        await original.PrepareAsync();
        var stats = original.Stats;
        await Assert.That(stats.PolicyCalls).IsEqualTo(3);
        await Assert.That(stats.TokensSeen).IsGreaterThan(0);
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options(budget: 200));

        // Everything but the last build's details (which describe a window the restored session never built).
        await Assert.That(restored.Stats).IsEqualTo(stats with { LastTurn = null });
        await Assert.That(restored.Stats.PolicyCalls).IsEqualTo(3);
        await Assert.That(restored.Stats.TokensSeen).IsEqualTo(stats.TokensSeen);
        await Assert.That(restored.Stats.TokensRetained).IsEqualTo(stats.TokensRetained);
        await Assert.That(restored.Stats.Evictions).IsEqualTo(stats.Evictions);
        await Assert.That(restored.Stats.PolicyLatencyTotal).IsEqualTo(stats.PolicyLatencyTotal);
        await Assert.That(restored.Stats.PolicyLatencyMax).IsEqualTo(stats.PolicyLatencyMax);
        await Assert.That(restored.Stats.LastTurn).IsNull();
        await Assert.That(restored.LastWindow).IsNull();
    }

    [Test]
    public async Task Calibration_survives_the_round_trip_when_the_tokenizer_matches()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        await Assert.That(original.Calibration.Observe(1000, 1200)).IsTrue();
        await Assert.That(original.Calibration.Observe(1000, 1100)).IsTrue();
        var ratio = original.Calibration.Ratio;
        await Assert.That(ratio).IsNotEqualTo(1.0);
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(restored.Calibration.Ratio).IsEqualTo(ratio);
        await Assert.That(restored.Calibration.Observations).IsEqualTo(2);
        await Assert.That(restored.Stats.CalibrationRatio).IsEqualTo(ratio);
    }

    [Test]
    public async Task Calibration_learned_with_another_tokenizer_is_not_restored()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        original.Calibration.Observe(1000, 1500);
        await original.SaveCheckpointAsync(path);

        var options = new MemoryOptions { Budget = CheckpointFixtures.Budget, TokenCounter = TokenCounter.For(TokenizerPreset.Cl100k) };
        var restored = await MemorySession.LoadAsync(path, null, options);

        await Assert.That(restored.Calibration.Ratio).IsEqualTo(1.0);
        await Assert.That(restored.Calibration.Observations).IsEqualTo(0);
        await Assert.That(restored.Stats.CalibrationRatio).IsEqualTo(1.0);

        // The messages are still all there, counted with the new vocabulary.
        await Assert.That(restored.Transcript.Count).IsEqualTo(original.Transcript.Count);
        await Assert.That(restored.TokenCounter.Name).IsEqualTo("cl100k");
    }

    [Test]
    public async Task A_restored_session_prepares_the_same_window()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        const int budget = 150;
        var original = CheckpointFixtures.RichSession(CheckpointFixtures.Options(budget));
        original.Calibration.Observe(400, 440);
        await original.SaveCheckpointAsync(path);
        var expected = await original.PrepareAsync();

        // The budget must force a real choice, or equal windows would prove nothing.
        await Assert.That(expected.Report.Evicted.Count).IsGreaterThan(0);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options(budget));
        var actual = await restored.PrepareAsync();

        await Assert.That(Seq(actual.Report.Kept)).IsEqualTo(Seq(expected.Report.Kept));
        await Assert.That(Seq(actual.Report.Evicted)).IsEqualTo(Seq(expected.Report.Evicted));
        await Assert.That(Seq(actual.Report.Truncated)).IsEqualTo(Seq(expected.Report.Truncated));
        await Assert.That(actual.Tokens).IsEqualTo(expected.Tokens);
        await Assert.That(Seq(actual.Messages.Select(m => m.Tokens))).IsEqualTo(Seq(expected.Messages.Select(m => m.Tokens)));
    }

    [Test]
    public async Task A_restored_session_prepares_the_same_window_when_everything_fits()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        await original.SaveCheckpointAsync(path);
        var expected = await original.PrepareAsync();

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        var actual = await restored.PrepareAsync();

        await Assert.That(Seq(actual.Report.Kept)).IsEqualTo(Seq(original.Transcript.Select(e => e.Id)));
        await Assert.That(Seq(actual.Report.Kept)).IsEqualTo(Seq(expected.Report.Kept));
        await Assert.That(actual.Tokens).IsEqualTo(expected.Tokens);
    }

    [Test]
    public async Task Restoring_replaces_the_previous_conversation_of_a_session()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = CheckpointFixtures.RichSession();
        await original.SaveCheckpointAsync(path);
        var target = await CheckpointFixtures.BystanderAsync();

        await target.RestoreCheckpointAsync(path);

        await Assert.That(Seq(target.Transcript.Select(e => e.Id))).IsEqualTo(Seq(original.Transcript.Select(e => e.Id)));
        await Assert.That(target.Transcript.Find("b-u1")).IsNull();
        await Assert.That(target.Stats.PolicyCalls).IsEqualTo(0);
        await Assert.That(target.LastWindow).IsNull();
    }

    [Test]
    public async Task An_empty_session_round_trips_to_an_empty_session()
    {
        using var dir = new TempDirectory();
        var path = dir.File("empty.json");
        await new MemorySession(CheckpointFixtures.Options()).SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(restored.Transcript.Count).IsEqualTo(0);
        await Assert.That(restored.Stats.PolicyCalls).IsEqualTo(0);
    }

    [Test]
    public async Task A_restored_session_keeps_generating_fresh_ids()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = new MemorySession(CheckpointFixtures.Options());
        original.Add(new ChatMessage(ChatRole.User, "one"));
        original.Add(new ChatMessage(ChatRole.Assistant, "two"));
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        var added = restored.Add(new ChatMessage(ChatRole.User, "three"));

        await Assert.That(Seq(restored.Transcript.Take(2).Select(e => e.Id))).IsEqualTo(Seq(original.Transcript.Select(e => e.Id)));
        await Assert.That(original.Transcript.Any(e => e.Id == added.Id)).IsFalse();
        await Assert.That(restored.Transcript.Count).IsEqualTo(3);
    }

    [Test]
    public async Task A_message_unpinned_in_the_session_stays_unpinned_after_a_round_trip()
    {
        // The pin mark travels on the message (ChatMessagePinning); the session's Unpin must still win after a
        // restore, or a round trip silently changes which messages every window keeps.
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var original = new MemorySession(CheckpointFixtures.Options());
        original.Add(new ChatMessage(ChatRole.User, "A note that used to matter.").Pin(), id: "note");
        original.Add(new ChatMessage(ChatRole.User, "The question."), id: "q");
        original.Unpin("note");
        await Assert.That(original.Transcript.Find("note")!.Pinned).IsFalse();
        await original.SaveCheckpointAsync(path);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(restored.Transcript.Find("note")!.Pinned).IsFalse();
    }

    [Test]
    public async Task Saving_twice_replaces_the_first_checkpoint_and_leaves_no_temporary_files()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var session = CheckpointFixtures.RichSession();
        await session.SaveCheckpointAsync(path);
        var first = await File.ReadAllBytesAsync(path);

        session.Add(new ChatMessage(ChatRole.Assistant, "Booked: Park Hyatt, three nights."), id: "booked");
        await session.PrepareAsync();
        await session.SaveCheckpointAsync(path);

        await Assert.That(Seq(dir.FileNames())).IsEqualTo("session.json");
        await Assert.That(dir.FileNames().Any(n => n.EndsWith(".tmp", StringComparison.Ordinal))).IsFalse();
        var second = await File.ReadAllBytesAsync(path);
        await Assert.That(second.AsSpan().SequenceEqual(first)).IsFalse();

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        await Assert.That(restored.Transcript.Count).IsEqualTo(session.Transcript.Count);
        await Assert.That(restored.Transcript[^1].Id).IsEqualTo("booked");
        await Assert.That(restored.Stats.PolicyCalls).IsEqualTo(1);
    }

    [Test]
    public async Task The_checkpoint_file_names_its_format_version_tokenizer_and_budget()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        await CheckpointFixtures.RichSession().SaveCheckpointAsync(path);

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var root = document.RootElement;

        await Assert.That(root.GetProperty("format").GetString()).IsEqualTo("finitememory.checkpoint");
        await Assert.That(root.GetProperty("version").GetInt32()).IsEqualTo(CheckpointDocument.CurrentVersion);
        await Assert.That(root.GetProperty("tokenizer").GetString()).IsEqualTo("o200k");
        await Assert.That(root.GetProperty("policy").GetString()).IsEqualTo("sliding");
        await Assert.That(root.GetProperty("budget").GetInt32()).IsEqualTo(CheckpointFixtures.Budget);
        await Assert.That(root.GetProperty("entries").GetArrayLength()).IsEqualTo(9);
    }

    private static string Seq<T>(IEnumerable<T> items) => string.Join(" | ", items);

    private static JsonElement ToJson(object? value) =>
        JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object)));

    private static async Task AssertSameJson(object? expected, object? actual)
    {
        var e = ToJson(expected);
        var a = ToJson(actual);
        await Assert.That(JsonElement.DeepEquals(e, a)).IsTrue().Because($"expected {e.GetRawText()} but got {a.GetRawText()}");
    }

    private static async Task AssertSameContent(AIContent expected, AIContent actual)
    {
        await Assert.That(actual.GetType()).IsEqualTo(expected.GetType());
        switch (expected)
        {
            case TextContent text:
                await Assert.That(((TextContent)actual).Text).IsEqualTo(text.Text);
                break;
            case FunctionCallContent call:
                var actualCall = (FunctionCallContent)actual;
                await Assert.That(actualCall.CallId).IsEqualTo(call.CallId);
                await Assert.That(actualCall.Name).IsEqualTo(call.Name);
                await Assert.That(Seq(actualCall.Arguments!.Keys)).IsEqualTo(Seq(call.Arguments!.Keys));
                foreach (var (key, value) in call.Arguments)
                {
                    await AssertSameJson(value, actualCall.Arguments[key]);
                }

                break;
            case FunctionResultContent result:
                var actualResult = (FunctionResultContent)actual;
                await Assert.That(actualResult.CallId).IsEqualTo(result.CallId);
                await AssertSameJson(result.Result, actualResult.Result);
                break;
            default:
                throw new InvalidOperationException($"The fixture holds an unexpected content type {expected.GetType().Name}.");
        }
    }
}
