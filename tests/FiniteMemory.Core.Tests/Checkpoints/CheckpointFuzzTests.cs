using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using FiniteMemory.Tests.Fakes;

namespace FiniteMemory.Tests.Checkpoints;

/// <summary>
/// A property over checkpoint documents (issue 20, "done when"): a seeded, deterministic stream of mutations of
/// valid checkpoints — byte flips, truncation, duplicated keys, huge numbers, nulls, type swaps, deleted fields,
/// broken strings — always gives a clean <see cref="CheckpointException"/> or a session whose next turn works,
/// never another exception, and never allocates more than a fixed bound while reading and validating.
/// </summary>
public class CheckpointFuzzTests
{
    private const int Cases = 3000;
    private const long MemoryBound = 64L * 1024 * 1024;

    private static readonly JsonNode?[] OddValues =
    [
        null, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, -1, 0, 1e308, -1e308, 0.5,
        JsonNode.Parse("9223372036854775808"), JsonNode.Parse("1e400"), "", "x", "10675199.02:48:05.4775807",
        "-10675199.02:48:05.4775808", "2147483648", true, false, new JsonArray(), new JsonObject(),
        new JsonArray((JsonNode?)null), new JsonObject { ["$type"] = "nonsense" }, "data:image/png;base64,@@@",
    ];

    [Test]
    [Timeout(1_800_000)] // A hang guard only: the run took 40 s alone and 105 s beside the rest of the suite on two cores.
    public async Task Any_mutation_of_a_valid_checkpoint_is_a_clean_checkpoint_error_or_a_session_whose_next_turn_works(CancellationToken cancellationToken)
    {
        using var dir = new TempDirectory();
        var rich = await CheckpointFixtures.ValidCheckpointAsync(dir.File("rich.json"));
        var summarized = await CheckpointHardeningTests.SummarizedCheckpointAsync(dir.File("summarized.json"));
        var seeds = new (JsonObject Json, MemoryOptions Options)[]
        {
            (rich, CheckpointFixtures.Options()),
            (summarized, CheckpointHardeningTests.SummaryOptions()),
        };
        var path = dir.File("case.json");
        var random = new Random(20_2026);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < Cases; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (seed, options) = seeds[i % seeds.Length];
            var (kind, bytes) = Mutate(seed, random);
            var label = string.Create(CultureInfo.InvariantCulture, $"case {i} ({kind})");

            // Reading and validating, synchronously on this thread so its allocations can be measured.
            var before = GC.GetAllocatedBytesForCurrentThread();
            CheckpointDocument? document = null;
            try
            {
                document = CheckpointFile.Parse(path, bytes);
                document.Restore(path, new MemoryEngine(options));
            }
            catch (CheckpointException)
            {
                document = null;
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{label}: the checkpoint was refused with {ex.GetType().Name} instead of a CheckpointException: {ex.Message}\n{Encoding.UTF8.GetString(bytes)}", ex);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > MemoryBound)
            {
                throw new InvalidOperationException($"{label}: reading allocated {allocated:N0} bytes, over the bound of {MemoryBound:N0}.");
            }

            Count(outcomes, document is null ? "refused" : "loaded");
            if (document is null)
            {
                continue;
            }

            // Loadable: the real load path gives the same answer, and the next turn must work.
            await File.WriteAllBytesAsync(path, bytes, cancellationToken);
            try
            {
                using var client = new FakeChatClient { DefaultReply = new FakeReply { Text = "ok", InputTokens = 123, CachedInputTokens = 0 } };
                var session = await MemorySession.LoadAsync(path, client, options, cancellationToken);
                await session.PrepareAsync(cancellationToken: cancellationToken);
                var response = await session.ChatAsync("And the next question?", cancellationToken: cancellationToken);
                if (response.Text != "ok")
                {
                    throw new InvalidOperationException("the fake's answer did not come back");
                }

                await session.SaveCheckpointAsync(path, cancellationToken);
                await MemorySession.LoadAsync(path, null, options, cancellationToken);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{label}: the checkpoint loaded, but then {ex.GetType().Name}: {ex.Message}\n{Encoding.UTF8.GetString(bytes)}", ex);
            }
        }

        // The mutations must exercise both outcomes, or the property proves little.
        await Assert.That(outcomes.GetValueOrDefault("refused")).IsGreaterThan(Cases / 10);
        await Assert.That(outcomes.GetValueOrDefault("loaded")).IsGreaterThan(Cases / 20);
    }

    private static void Count(Dictionary<string, int> outcomes, string outcome) =>
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

    private static (string Kind, byte[] Bytes) Mutate(JsonObject seed, Random random)
    {
        var json = seed.DeepClone().AsObject();
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        switch (random.Next(10))
        {
            case 0:
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return ("byte flip", bytes);
            }

            case 1:
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                return ("truncation", bytes[..random.Next(bytes.Length)]);
            }

            case 2:
            {
                // A duplicated key: a random property written twice, the second time with an odd value.
                var (parent, key) = PickProperty(json, random);
                const string Marker = "__duplicate_marker__";
                parent[Marker] = random.Next(2) == 0 ? parent[key]?.DeepClone() : Odd(random);
                var written = json.ToJsonString().Replace($"\"{Marker}\"", JsonSerializer.Serialize(key), StringComparison.Ordinal);
                return ("duplicate key", Encoding.UTF8.GetBytes(written));
            }

            case 3:
            case 4:
            {
                var (parent, key) = PickProperty(json, random);
                parent[key] = Odd(random);
                return ("odd value", Encoding.UTF8.GetBytes(json.ToJsonString()));
            }

            case 5:
            {
                var (parent, key) = PickProperty(json, random);
                parent.Remove(key);
                return ("deleted field", Encoding.UTF8.GetBytes(json.ToJsonString()));
            }

            case 6:
            {
                var arrays = Nodes(json).OfType<JsonArray>().Where(a => a.Count > 0).ToList();
                var array = arrays[random.Next(arrays.Count)];
                var at = random.Next(array.Count);
                if (random.Next(2) == 0)
                {
                    array.Insert(at, array[at]?.DeepClone());
                }
                else
                {
                    array[at] = Odd(random);
                }

                return ("array element", Encoding.UTF8.GetBytes(json.ToJsonString()));
            }

            case 7:
            {
                // A broken string: a lone surrogate escape or a raw invalid UTF-8 byte inside a random string.
                var strings = Nodes(json).OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).ToList();
                var value = strings[random.Next(strings.Count)];
                var original = JsonSerializer.Serialize(value.GetValue<string>());
                var written = json.ToJsonString();
                var at = written.IndexOf(original, StringComparison.Ordinal);
                if (at < 0)
                {
                    return ("broken string (not found)", Encoding.UTF8.GetBytes(written));
                }

                var bytes = Encoding.UTF8.GetBytes(written[..(at + 1)] + "\\ud83d" + written[(at + 1)..]);
                if (random.Next(2) == 0)
                {
                    var offset = Encoding.UTF8.GetByteCount(written[..(at + 1)]);
                    bytes[offset] = 0xF3;
                }

                return ("broken string", bytes);
            }

            case 8:
            {
                // A huge count where a count is expected.
                var numbers = Nodes(json).OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.Number).ToList();
                var value = numbers[random.Next(numbers.Count)];
                value.ReplaceWith(random.Next(3) switch { 0 => JsonValue.Create(int.MaxValue), 1 => JsonValue.Create(long.MaxValue), _ => JsonValue.Create(-1) });
                return ("huge number", Encoding.UTF8.GetBytes(json.ToJsonString()));
            }

            default:
            {
                var (parent, key) = PickProperty(json, random);
                parent[key] = random.Next(2) == 0 ? null : JsonValue.Create(random.Next(2) == 0 ? "swapped" : "1");
                return ("null or type swap", Encoding.UTF8.GetBytes(json.ToJsonString()));
            }
        }
    }

    private static JsonNode? Odd(Random random) => OddValues[random.Next(OddValues.Length)]?.DeepClone();

    private static (JsonObject Parent, string Key) PickProperty(JsonObject root, Random random)
    {
        var properties = Nodes(root).OfType<JsonObject>().SelectMany(o => o.Select(p => (Parent: o, p.Key))).ToList();
        return properties[random.Next(properties.Count)];
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.ToList())
        {
            if (child is not null)
            {
                foreach (var descendant in Nodes(child))
                {
                    yield return descendant;
                }
            }
        }
    }
}
