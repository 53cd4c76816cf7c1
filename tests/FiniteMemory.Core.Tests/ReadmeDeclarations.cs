using Microsoft.Extensions.AI;
using FiniteMemory.Backends;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Readme;

// --- README: Declaring policies and backends (the policy, as written) ---
[MemoryPolicy("support", Budget = 8000, Description = "The ticket's opening, recent turns, and older turns naming an order.")]
[Pin(FirstTurns = 1)]                          // the conversation's first turn
[KeepRecent(MaxTurns = 6, BudgetShare = 0.6)]  // the last six turns, at most 60% of the budget
[Select]                                       // then the best-scoring older groups that fit
public sealed partial class SupportPolicy
{
    // A stage of your own: runs right after KeepRecent, scores what [Select] picks from.
    [Stage(After = "KeepRecent")]
    private static void ScoreOrderNumbers(MemoryFrame frame)
    {
        for (var g = 0; g < frame.GroupCount; g++)
        {
            // Only the members below frame.Count: the frame covers the transcript as of this turn.
            var members = frame.Transcript.Groups[g].Members.Where(i => i < frame.Count);
            if (!frame.IsKept(g) && members.Any(i => frame.Transcript[i].Message.Text.Contains("order #", StringComparison.OrdinalIgnoreCase)))
            {
                frame.Scores[g] = 1;
            }
        }
    }
}

// --- end ---

// A backend declared as the README declares one, answering offline instead of through OpenAI.
public sealed class EchoSettings { public string? Model { get; set; } public double Temperature { get; set; } = 0.7; }

public static class MyBackends
{
    [Backend("echo", Description = "Answers from the window it receives.")]
    public static IChatClient Create(EchoSettings settings) => new EchoClient(settings);
}

/// <summary>The echo client: answers with how many messages it received and the settings it has.</summary>
public sealed class EchoClient(EchoSettings settings) : IChatClient
{
    public EchoSettings Settings { get; } = settings;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{messages.Count()} messages, model {Settings.Model}, temperature {Settings.Temperature}")));

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The echo client does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
