using FiniteMemory.Fakes;
using FiniteMemory.Http;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI.Tests.Support;

/// <summary>Clients of the fake server through the real OpenAI backend path, with short backoff so fault tests stay fast.</summary>
internal static class Clients
{
    public const string Key = "sk-test-0123456789abcdef";

    /// <summary>
    /// Short waits between retries (the shape of the backoff is hosted-http's to test); the attempt timeout is only a
    /// hang guard, and tests of timeouts run them on a fake clock.
    /// </summary>
    public static ResilienceOptions Fast { get; } = ResilienceOptions.Default with
    {
        AttemptTimeout = TimeSpan.FromSeconds(60),
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(2),
    };

    /// <summary>A fake clock for the client's timeouts: it moves only when the test moves it, and reports the timers set on it.</summary>
    public static ObservedTimeProvider Clock() => new();

    public static OpenAIChatClientOptions Settings(FakeOpenAIServer server, string model = "gpt-test") => new()
    {
        Model = model,
        Endpoint = server.BaseUrl,
        ApiKey = Key,
    };

    /// <summary>A client that gives each attempt <paramref name="timeout"/> on <paramref name="clock"/> and never retries.</summary>
    public static IChatClient Impatient(FakeOpenAIServer server, TimeSpan timeout, TimeProvider clock) => Chat(
        server,
        s =>
        {
            s.Timeout = timeout;
            s.MaxRetries = 0;
        },
        resilience: Fast with { TimeProvider = clock });

    public static IChatClient Chat(FakeOpenAIServer server, Action<OpenAIChatClientOptions>? configure = null, OpenAIPreset? preset = null, ResilienceOptions? resilience = null)
    {
        var settings = Settings(server);
        configure?.Invoke(settings);
        return new OpenAIChatClient(settings, preset, resilience ?? Fast);
    }
}
