using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Support;

/// <summary>Conversations and tools the provider tests send, the same for every provider.</summary>
public static class Conversations
{
    /// <summary>A key that must never appear in an error.</summary>
    public const string Key = "sk-test-0123456789abcdefSECRET";

    public static readonly TimeSpan QuickRetry = TimeSpan.FromMilliseconds(10);

    /// <summary>A weather tool declared by its JSON schema.</summary>
    public static AIFunctionDeclaration WeatherTool { get; } = AIFunctionFactory.CreateDeclaration(
        "get_weather",
        "The current weather in a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement.Clone());

    /// <summary>
    /// system, user, assistant (tool call), tool (result), user: the shape every provider maps differently.
    /// </summary>
    public static List<ChatMessage> WithToolRoundTrip() =>
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Weather in Oslo?"),
        new(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", "Sunny, 21 C")]),
        new(ChatRole.User, "Thanks. And tomorrow?"),
    ];

    public static ChatOptions AllOptions() => new()
    {
        Temperature = 0.25f,
        TopP = 0.9f,
        TopK = 40,
        MaxOutputTokens = 300,
        StopSequences = ["END"],
        Tools = [WeatherTool],
    };

    /// <summary>Options offering <see cref="Weather"/> as the tool <c>get_weather</c>, for tool-loop tests.</summary>
    public static ChatOptions WeatherOptions() => new() { Tools = [AIFunctionFactory.Create(Weather, "get_weather")] };

    /// <summary>Whether a request's JSON equals the expected JSON text (property order and whitespace aside).</summary>
    public static bool SameJson(JsonElement actual, string expected) => JsonElement.DeepEquals(actual, JsonDocument.Parse(expected).RootElement);

    /// <summary>A real function for tool-loop tests.</summary>
    [Description("The current weather in a city.")]
    public static string Weather([Description("The city")] string city) => $"{city}: sunny, 21 C";

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates, CancellationToken cancellationToken = default)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            list.Add(update);
        }

        return list;
    }
}
