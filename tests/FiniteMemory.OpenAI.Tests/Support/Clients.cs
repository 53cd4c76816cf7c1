using FiniteMemory.Fakes;
using FiniteMemory.Http;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI.Tests.Support;

/// <summary>Clients of the fake server through the real OpenAI backend path, with short backoff so fault tests stay fast.</summary>
internal static class Clients
{
    public const string Key = "sk-test-0123456789abcdef";

    /// <summary>Short waits between retries (the shape of the backoff is hosted-http's to test).</summary>
    public static ResilienceOptions Fast { get; } = ResilienceOptions.Default with
    {
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(2),
    };

    public static OpenAIChatClientOptions Settings(FakeOpenAIServer server, string model = "gpt-test") => new()
    {
        Model = model,
        Endpoint = server.BaseUrl,
        ApiKey = Key,
    };

    /// <summary>A client that gives each attempt <paramref name="timeout"/> and never retries.</summary>
    public static IChatClient Impatient(FakeOpenAIServer server, TimeSpan timeout) => Chat(server, s =>
    {
        s.Timeout = timeout;
        s.MaxRetries = 0;
    });

    public static IChatClient Chat(FakeOpenAIServer server, Action<OpenAIChatClientOptions>? configure = null, OpenAIPreset? preset = null, ResilienceOptions? resilience = null)
    {
        var settings = Settings(server);
        configure?.Invoke(settings);
        return new OpenAIChatClient(settings, preset, resilience ?? Fast);
    }
}
