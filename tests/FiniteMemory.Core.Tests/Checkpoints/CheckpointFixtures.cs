using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Checkpoints;

/// <summary>A directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fm-checkpoint-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The names of every file in the directory (hidden ones included).</summary>
    public string[] FileNames() =>
        [.. Directory.EnumerateFileSystemEntries(Path).Select(p => System.IO.Path.GetFileName(p)!).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Builds the sessions and checkpoint files the checkpoint tests share.</summary>
internal static class CheckpointFixtures
{
    public const int Budget = 4000;

    public static MemoryOptions Options(int budget = Budget) => new() { Budget = budget };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// A session holding every kind of message a checkpoint must carry: system, pinned, plain turns, an
    /// assistant message with two parallel calls (nested JSON arguments) and their results, non-Latin text,
    /// an empty message, an author name and custom additional properties.
    /// </summary>
    public static MemorySession RichSession(MemoryOptions? options = null)
    {
        var session = new MemorySession(options ?? Options());
        session.Add(new ChatMessage(ChatRole.System, "You are a careful travel agent. Answer briefly."), id: "sys");
        session.Add(new ChatMessage(ChatRole.User, "Remember for the whole trip: I am allergic to peanuts."), id: "allergy");
        session.Pin("allergy");
        session.Add(new ChatMessage(ChatRole.User, "Plan three days in Tokyo for me.") { AuthorName = "alice" }, id: "u1");
        session.Add(
            new ChatMessage(ChatRole.Assistant,
            [
                new TextContent("Let me check the weather and hotels at the same time."),
                new FunctionCallContent("call_weather", "get_weather", new Dictionary<string, object?>
                {
                    ["city"] = "東京",
                    ["days"] = 3,
                    ["options"] = Json("""{"units":"metric","hours":[9,12,18],"detail":{"wind":true,"uv":null}}"""),
                }),
                new FunctionCallContent("call_hotels", "search_hotels", new Dictionary<string, object?>
                {
                    ["near"] = "Shinjuku",
                    ["filters"] = Json("""{"stars":{"min":4,"max":5},"amenities":["onsen","gym"],"budget":{"currency":"JPY","perNight":35000.5}}"""),
                }),
            ]),
            id: "a1");
        session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_weather", "Sunny, 22 °C, light wind")]), id: "t1");
        session.Add(
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_hotels", "Park Hyatt (5★), Keio Plaza (4★)")]),
            id: "t2");
        session.Add(new ChatMessage(ChatRole.Assistant, "東京は晴れです。Привет! مرحبا بك 🌸 Δ-Tokyo: Park Hyatt or Keio Plaza."), id: "a2");
        session.Add(new ChatMessage(ChatRole.Assistant, string.Empty), id: "empty");
        session.Add(new ChatMessage(ChatRole.User, "Book the Park Hyatt, please.")
        {
            AuthorName = "alice",
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                ["client"] = "mobile",
                ["priority"] = 3,
                ["tags"] = Json("""["booking","urgent"]"""),
                ["geo"] = Json("""{"lat":35.6895,"lon":139.6917}"""),
            },
        });
        return session;
    }

    /// <summary>A small session with known content, used as the bystander a failed restore must not change.</summary>
    public static async Task<MemorySession> BystanderAsync()
    {
        var session = new MemorySession(Options());
        session.Add(new ChatMessage(ChatRole.System, "Bystander system prompt."), id: "b-sys");
        session.Add(new ChatMessage(ChatRole.User, "Bystander question one."), id: "b-u1");
        session.Add(new ChatMessage(ChatRole.Assistant, "Bystander answer one."), id: "b-a1");
        session.Add(new ChatMessage(ChatRole.User, "Bystander question two."), id: "b-u2");
        await session.PrepareAsync();
        return session;
    }

    /// <summary>Saves <see cref="RichSession"/> to <paramref name="path"/> and returns the file as a mutable JSON object.</summary>
    public static async Task<JsonObject> ValidCheckpointAsync(string path)
    {
        var session = RichSession();
        await session.PrepareAsync();
        await session.SaveCheckpointAsync(path);
        return JsonNode.Parse(await System.IO.File.ReadAllTextAsync(path))!.AsObject();
    }

    public static Task WriteAsync(string path, JsonNode node) =>
        System.IO.File.WriteAllTextAsync(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
