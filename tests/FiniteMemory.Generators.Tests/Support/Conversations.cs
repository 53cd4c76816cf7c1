using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>Runs a generated policy the way users do: a <see cref="MemorySession"/> over a conversation, preparing one window.</summary>
internal static class Conversations
{
    /// <summary>
    /// The window <paramref name="policy"/> builds for these messages (id, role, text) under <paramref name="budget"/>;
    /// every message costs <see cref="FixedCostTokenCounter.PerMessage"/> tokens.
    /// </summary>
    public static async Task<ContextWindow> PrepareAsync(IMemoryPolicy policy, int budget, params (string Id, string Role, string Text)[] messages)
    {
        var session = new MemorySession(new MemoryOptions { Budget = budget, Policy = policy, TokenCounter = FixedCostTokenCounter.Instance });
        foreach (var (id, role, text) in messages)
        {
            session.Add(new ChatMessage(new ChatRole(role), text), id: id);
        }

        var window = await session.PrepareAsync();
        if (window.Report.Fallback is { } fallback)
        {
            throw new InvalidOperationException($"Policy '{policy.Name}' did not build the window; the sliding fallback did ({fallback}).");
        }

        return window;
    }
}
