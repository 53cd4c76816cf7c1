using Microsoft.Extensions.AI;
using FiniteMemory.Backends;

namespace FiniteMemory.Tests.Backends;

public enum Tone
{
    Plain,
    Friendly,
}

/// <summary>A settings class of the tests' own, bound by the generated binder.</summary>
public sealed class EchoSettings
{
    public string? Model { get; set; }

    public Uri? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    public TimeSpan? Timeout { get; set; }

    public double Temperature { get; set; } = 1.0;

    public int? MaxTokens { get; set; }

    public bool Stream { get; set; }

    public Tone Tone { get; set; }

    public TimeSpan Backoff { get; set; }

    public string Greeting { get; set; } = "hi";

    /// <summary>Init-only: not bound.</summary>
    public string Fixed { get; init; } = "fixed";
}

/// <summary>A client that remembers how it was configured and answers with it.</summary>
public sealed class ConfiguredClient(object settings) : IChatClient
{
    public object Settings { get; } = settings;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"configured with {Settings}")));

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This test client does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

public static class DeclaredBackends
{
    [Backend("test-echo", Description = "Echo with options.")]
    public static IChatClient CreateEcho(EchoSettings settings) => new ConfiguredClient(settings);

    [Backend("test-raw")]
    internal static ConfiguredClient CreateRaw(BackendSettings settings) => new(settings);

    [Backend("test-bare")]
    public static IChatClient CreateBare() => new ConfiguredClient("bare");
}
