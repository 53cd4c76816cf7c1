using FiniteMemory.Local.Chat;

namespace FiniteMemory.Local;

/// <summary>Settings of a <see cref="LocalChatClient"/>.</summary>
public sealed class LocalChatClientOptions
{
    /// <summary>The chat template (ChatML by default).</summary>
    public ChatTemplate Template { get; init; } = ChatTemplate.ChatML;

    /// <summary>How many tokens a reply may have when the call's options do not say (<see cref="Microsoft.Extensions.AI.ChatOptions.MaxOutputTokens"/>).</summary>
    public int DefaultMaxOutputTokens { get; init; } = 256;

    /// <summary>The model's name in responses and metadata.</summary>
    public string? ModelId { get; init; }

    /// <summary>Whether the next call reuses the cached prefix of the last one (true). False recomputes every prompt (a baseline for measurements).</summary>
    public bool ReuseCache { get; init; } = true;

    /// <summary>Whether disposing the client disposes the model (true).</summary>
    public bool DisposeModel { get; init; } = true;
}
