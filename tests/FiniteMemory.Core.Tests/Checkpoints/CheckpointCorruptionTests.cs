using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Checkpoints;

public class CheckpointCorruptionTests
{
    [Test]
    public async Task Restoring_a_missing_file_says_it_does_not_exist()
    {
        using var dir = new TempDirectory();
        var path = dir.File("nowhere.json");

        var ex = await AssertRestoreFailsAsync(path, "does not exist");

        await Assert.That(ex.InnerException).IsTypeOf<FileNotFoundException>();
    }

    [Test]
    public async Task Restoring_from_a_missing_directory_says_the_directory_is_missing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "gone", "session.json");

        await AssertRestoreFailsAsync(path, "does not exist", "directory is missing");
    }

    [Test]
    public async Task Restoring_a_directory_instead_of_a_file_fails_with_a_checkpoint_error()
    {
        using var dir = new TempDirectory();

        await AssertRestoreFailsAsync(dir.Path, "could not be read");
    }

    [Test]
    [Arguments("")]
    [Arguments("   \n\t\r\n")]
    public async Task Restoring_an_empty_file_says_it_is_empty(string content)
    {
        using var dir = new TempDirectory();
        var path = dir.File("empty.json");
        await File.WriteAllTextAsync(path, content);

        await AssertRestoreFailsAsync(path, "is empty", "truncated");
    }

    [Test]
    public async Task Restoring_a_truncated_file_says_it_is_corrupt_or_truncated_and_where()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var ex = await AssertRestoreFailsAsync(path, "is not valid JSON", "corrupt or truncated", "at line");

        await Assert.That(ex.InnerException).IsTypeOf<System.Text.Json.JsonException>();
    }

    [Test]
    public async Task Restoring_random_bytes_says_the_file_is_not_a_checkpoint()
    {
        using var dir = new TempDirectory();
        var path = dir.File("noise.bin");
        var bytes = new byte[4096];
        new Random(20240611).NextBytes(bytes);
        bytes[0] = 0x9F; // Never whitespace, so the file cannot pass as empty.
        await File.WriteAllBytesAsync(path, bytes);

        await AssertRestoreFailsAsync(path, "is not a FiniteMemory checkpoint");
    }

    [Test]
    public async Task Restoring_random_bytes_after_an_opening_brace_says_the_file_is_not_valid_json()
    {
        using var dir = new TempDirectory();
        var path = dir.File("noise.json");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = (byte)'{';
        bytes[1] = (byte)'"';
        await File.WriteAllBytesAsync(path, bytes);

        await AssertRestoreFailsAsync(path, "is not valid JSON", "corrupt");
    }

    [Test]
    public async Task A_checkpoint_with_a_utf8_byte_order_mark_still_restores()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bom.json");
        await CheckpointFixtures.ValidCheckpointAsync(path);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. bytes]);

        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());

        await Assert.That(restored.Transcript.Count).IsEqualTo(9);
    }

    [Test]
    public async Task Restoring_an_empty_object_says_it_is_not_a_checkpoint()
    {
        using var dir = new TempDirectory();
        var path = dir.File("other.json");
        await File.WriteAllTextAsync(path, "{}");

        await AssertRestoreFailsAsync(path, "is not a FiniteMemory checkpoint", "\"format\"");
    }

    [Test]
    public async Task Restoring_another_format_names_the_format_it_found()
    {
        using var dir = new TempDirectory();
        var path = dir.File("other.json");
        await File.WriteAllTextAsync(path, """{"format":"other"}""");

        await AssertRestoreFailsAsync(path, "is not a FiniteMemory checkpoint", "'other'", "finitememory.checkpoint");
    }

    [Test]
    [Arguments("[]")]
    [Arguments("[{\"format\":\"finitememory.checkpoint\",\"version\":1}]")]
    [Arguments("null")]
    [Arguments("42")]
    [Arguments("\"finitememory.checkpoint\"")]
    [Arguments("true")]
    public async Task Restoring_valid_json_that_is_not_an_object_says_it_is_not_a_checkpoint(string json)
    {
        // These are perfectly valid JSON: calling them "not valid JSON ... corrupt or truncated" would send the
        // user looking for damage that is not there.
        using var dir = new TempDirectory();
        var path = dir.File("not-an-object.json");
        await File.WriteAllTextAsync(path, json);

        var ex = await AssertRestoreFailsAsync(path, "is not a FiniteMemory checkpoint");

        await Assert.That(ex.Message).DoesNotContain("not valid JSON");
    }

    [Test]
    public async Task Restoring_a_checkpoint_from_a_newer_version_names_the_version_and_asks_to_upgrade()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["version"] = 99;
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "version 99", "newer", "Upgrade");
    }

    [Test]
    public async Task Restoring_a_checkpoint_without_a_version_says_the_version_is_missing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json.Remove("version");
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "no \"version\"");
    }

    [Test]
    [Arguments(0)]
    [Arguments(-3)]
    public async Task Restoring_a_checkpoint_with_a_version_below_one_names_the_invalid_version(int version)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["version"] = version;
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, $"invalid format version {version}");
    }

    [Test]
    public async Task Restoring_a_checkpoint_without_entries_says_the_entries_are_missing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json.Remove("entries");
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "no \"entries\" array", "damaged or edited by hand");
    }

    [Test]
    public async Task Restoring_a_checkpoint_with_a_null_entry_names_its_position()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]!.AsArray()[1] = null;
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "empty entry #2");
    }

    [Test]
    [Arguments(null)]
    [Arguments("")]
    public async Task Restoring_an_entry_without_an_id_names_its_position(string? id)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        var entry = json["entries"]!.AsArray()[2]!.AsObject();
        if (id is null)
        {
            entry.Remove("id");
        }
        else
        {
            entry["id"] = id;
        }

        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry #3 without an \"id\"");
    }

    [Test]
    public async Task Restoring_duplicate_ids_names_the_repeated_id_and_its_position()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        var entries = json["entries"]!.AsArray();
        entries[4]!["id"] = entries[1]!["id"]!.GetValue<string>();
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry #5 repeating the id 'allergy'", "unique");
    }

    [Test]
    [Arguments("\"just a string\"")]
    [Arguments("42")]
    [Arguments("[]")]
    [Arguments("null")]
    public async Task Restoring_an_entry_whose_message_is_not_an_object_names_the_entry(string message)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]!.AsArray()[2]!["message"] = JsonNode.Parse(message);
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry 'u1'", "without a \"message\" object");
    }

    [Test]
    public async Task Restoring_an_entry_without_a_message_names_the_entry()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]!.AsArray()[2]!.AsObject().Remove("message");
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry 'u1'", "without a \"message\" object");
    }

    [Test]
    [Arguments("\"\"")]
    [Arguments("\"   \"")]
    [Arguments("42")]
    [Arguments("{\"value\":\"user\"}")]
    [Arguments("null")]
    public async Task Restoring_an_entry_whose_message_has_an_invalid_role_names_the_entry(string role)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]!.AsArray()[2]!["message"]!["role"] = JsonNode.Parse(role);
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry 'u1'", "role", "damaged or edited by hand");
    }

    [Test]
    public async Task Restoring_an_entry_whose_message_has_no_role_names_the_entry()
    {
        // A message without a role is damage, not a user message: silently reading it as "user" would change
        // turns, the newest user message and so every window.
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["entries"]!.AsArray()[0]!["message"]!.AsObject().Remove("role");
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry 'sys'", "role");
    }

    [Test]
    public async Task Restoring_an_entry_whose_message_has_an_unknown_content_type_names_the_entry()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        var message = json["entries"]!.AsArray()[2]!["message"]!.AsObject();
        message["contents"] = JsonNode.Parse("""[{"$type":"no-such-content","text":"x"}]""");
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "entry 'u1'", "message is invalid");
    }

    [Test]
    [Arguments("policyCalls")]
    [Arguments("turns")]
    [Arguments("tokensSeen")]
    [Arguments("tokensRetained")]
    [Arguments("evictions")]
    [Arguments("truncations")]
    [Arguments("fallbacks")]
    [Arguments("cacheHits")]
    [Arguments("providerInputTokens")]
    public async Task Restoring_negative_statistics_names_the_field_and_value(string field)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        var stats = json["stats"]!.AsObject();
        await Assert.That(stats.ContainsKey(field)).IsTrue();
        stats[field] = -7;
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, $"negative \"stats.{field}\" (-7)");
    }

    [Test]
    public async Task Restoring_a_negative_policy_latency_says_the_latencies_are_negative()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["stats"]!["policyLatencyTotal"] = "-00:00:01";
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "negative policy latencies");
    }

    [Test]
    [Arguments(5.0, 3)]
    [Arguments(0.1, 3)]
    [Arguments(0.0, 3)]
    [Arguments(-1.0, 3)]
    [Arguments(1.2, -1)]
    public async Task Restoring_an_invalid_calibration_names_the_ratio_and_the_allowed_range(double ratio, int observations)
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var json = await CheckpointFixtures.ValidCheckpointAsync(path);
        json["calibration"] = new JsonObject { ["ratio"] = ratio, ["observations"] = observations };
        await CheckpointFixtures.WriteAsync(path, json);

        await AssertRestoreFailsAsync(path, "invalid calibration", FormattableString.Invariant($"ratio {ratio}"), "between 0.5 and 2");
    }

    [Test]
    public async Task Saving_into_a_directory_that_does_not_exist_fails_and_creates_nothing()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "missing");
        var path = Path.Combine(missing, "session.json");
        var session = CheckpointFixtures.RichSession();

        var ex = await Assert.That(() => session.SaveCheckpointAsync(path)).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains(path);
        await Assert.That(ex.Message).Contains("does not exist");
        await Assert.That(ex.FilePath).IsEqualTo(path);
        await Assert.That(Directory.Exists(missing)).IsFalse();
        await Assert.That(dir.FileNames().Length).IsEqualTo(0);
    }

    [Test]
    public async Task Saving_a_session_with_an_unserializable_value_names_the_message_and_keeps_the_previous_checkpoint()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var session = CheckpointFixtures.RichSession();
        await session.SaveCheckpointAsync(path);
        var before = await File.ReadAllBytesAsync(path);

        var loop = new SelfReferencing();
        loop.Next = loop;
        session.Add(
            new ChatMessage(ChatRole.Assistant, "This message carries a cycle.") { AdditionalProperties = new() { ["loop"] = loop } },
            id: "cyclic");

        var ex = await Assert.That(() => session.SaveCheckpointAsync(path)).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains(path);
        await Assert.That(ex.Message).Contains("'cyclic'");
        await Assert.That(ex.Message).Contains("cannot be serialized");
        await Assert.That((await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(before)).IsTrue();
        await Assert.That(string.Join(" | ", dir.FileNames())).IsEqualTo("session.json");

        // The session itself is unharmed and the old checkpoint still loads.
        await Assert.That(session.Transcript[^1].Id).IsEqualTo("cyclic");
        var restored = await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options());
        await Assert.That(restored.Transcript.Count).IsEqualTo(session.Transcript.Count - 1);
    }

    [Test]
    public async Task Saving_a_function_call_with_an_unserializable_argument_names_the_message()
    {
        using var dir = new TempDirectory();
        var path = dir.File("session.json");
        var loop = new SelfReferencing();
        loop.Next = loop;
        var session = new MemorySession(CheckpointFixtures.Options());
        session.Add(new ChatMessage(ChatRole.User, "Go."), id: "u");
        session.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "walk", new Dictionary<string, object?> { ["graph"] = loop })]), id: "bad-call");

        var ex = await Assert.That(() => session.SaveCheckpointAsync(path)).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains("'bad-call'");
        await Assert.That(File.Exists(path)).IsFalse();
        await Assert.That(dir.FileNames().Length).IsEqualTo(0);
    }

    [Test]
    public async Task Saving_over_a_directory_fails_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("taken");
        Directory.CreateDirectory(path);
        var session = CheckpointFixtures.RichSession();

        var ex = await Assert.That(() => session.SaveCheckpointAsync(path)).Throws<CheckpointException>();

        await Assert.That(ex!.Message).Contains(path);
        await Assert.That(ex.Message).Contains("could not be written");
        await Assert.That(string.Join(" | ", dir.FileNames())).IsEqualTo("taken");
    }

    [Test]
    public async Task A_checkpoint_restores_after_failed_restores_into_the_same_session()
    {
        using var dir = new TempDirectory();
        var good = dir.File("good.json");
        var bad = dir.File("bad.json");
        await CheckpointFixtures.ValidCheckpointAsync(good);
        await File.WriteAllTextAsync(bad, "{\"format\":\"finitememory.checkpoint\",\"version\":1,\"entries\":[{\"id\":\"x\",\"message\":");
        var session = await CheckpointFixtures.BystanderAsync();

        await Assert.That(() => session.RestoreCheckpointAsync(bad)).Throws<CheckpointException>();
        await session.RestoreCheckpointAsync(good);

        await Assert.That(session.Transcript.Find("a1")).IsNotNull();
        await Assert.That(session.Transcript.Find("b-u1")).IsNull();
    }

    /// <summary>
    /// Restores <paramref name="path"/> into a session with known content and a prepared window; asserts the
    /// restore throws a <see cref="CheckpointException"/> naming the file and every fragment, that the session is
    /// exactly as it was, and that <see cref="MemorySession.LoadAsync"/> fails the same way.
    /// </summary>
    private static async Task<CheckpointException> AssertRestoreFailsAsync(string path, params string[] fragments)
    {
        var session = await CheckpointFixtures.BystanderAsync();
        var ids = string.Join(" | ", session.Transcript.Select(e => e.Id));
        var count = session.Transcript.Count;
        var transcript = session.Transcript;
        var stats = session.Stats;
        var window = session.LastWindow;
        session.Calibration.Observe(500, 600);
        var ratio = session.Calibration.Ratio;

        var ex = await Assert.That(() => session.RestoreCheckpointAsync(path)).Throws<CheckpointException>();

        await Assert.That(ex).IsNotNull();
        await Assert.That(ex!.Message).Contains(path);
        await Assert.That(ex.FilePath).IsEqualTo(path);
        await Assert.That(ex.Message).EndsWith(ex.Problem);
        foreach (var fragment in fragments)
        {
            await Assert.That(ex.Message).Contains(fragment);
        }

        await Assert.That(session.Transcript).IsSameReferenceAs(transcript);
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(string.Join(" | ", session.Transcript.Select(e => e.Id))).IsEqualTo(ids);
        await Assert.That(session.Stats with { CalibrationRatio = stats.CalibrationRatio }).IsEqualTo(stats);
        await Assert.That(session.Stats.PolicyCalls).IsEqualTo(1);
        await Assert.That(session.LastWindow).IsSameReferenceAs(window);
        await Assert.That(session.Calibration.Ratio).IsEqualTo(ratio);
        await Assert.That(session.Calibration.Observations).IsEqualTo(1);

        // The session still works: it can add and prepare as before.
        session.Add(new ChatMessage(ChatRole.User, "Still here?"), id: "b-after");
        var next = await session.PrepareAsync();
        await Assert.That(next.Report.Kept).Contains("b-after");

        var load = await Assert.That(async () => { await MemorySession.LoadAsync(path, null, CheckpointFixtures.Options()); }).Throws<CheckpointException>();
        await Assert.That(load!.Message).IsEqualTo(ex.Message);
        return ex;
    }

    public sealed class SelfReferencing
    {
        public string Name { get; set; } = "loop";

        public SelfReferencing? Next { get; set; }
    }
}
