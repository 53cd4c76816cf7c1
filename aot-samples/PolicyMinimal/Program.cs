using FiniteMemory.Backends;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;
using PolicyMinimal;
using FiniteMemory;

const int Turns = 120;

// What the generated registries registered at start-up: FiniteMemory.Core's, then this assembly's.
Console.WriteLine("Policies:");
foreach (var p in MemoryPolicies.All)
{
    Console.WriteLine($"  {p.Name,-12} {string.Join(" → ", p.Stages)}  ({p.Assembly})");
}

Console.WriteLine("Backends:");
foreach (var b in ChatBackends.All)
{
    Console.WriteLine($"  {b.Name,-12} options: {string.Join(", ", b.Options)}  ({b.Assembly})");
}

// Both are created by name, as they would be from configuration.
if (!MemoryPolicies.TryGet(FactRecallPolicy.PolicyName, out var registration))
{
    return Fail(MemoryPolicies.UnknownMessage(FactRecallPolicy.PolicyName));
}

if (!ChatBackends.TryGet("echo", out _))
{
    return Fail(ChatBackends.UnknownMessage("echo"));
}

var policy = MemoryPolicies.Create(FactRecallPolicy.PolicyName);
using var backend = CreateBackend(new BackendSettings
{
    Model = "echo-1",
    Options = new Dictionary<string, string> { ["persona"] = "archivist", ["quote-chars"] = "100" },
});
if (backend is null)
{
    return 1;
}

var session = new MemorySession(backend, new MemoryOptions { Budget = registration.Budget ?? 1_200, ReserveTokens = 200, Policy = policy });
session.AddSystem("You are a travel assistant. Answer only from the conversation.");

var answer = string.Empty;
foreach (var message in Conversation.UserTurns(Turns))
{
    answer = (await session.ChatAsync(message).ConfigureAwait(false)).Text;
    var turn = session.LastWindow!;
    if (turn.Tokens > turn.Available)
    {
        return Fail($"turn {turn.Stats.Turn}: the window holds {turn.Tokens} tokens, but only {turn.Available} were available.");
    }

    if (turn.Report.Fallback is { } fallback)
    {
        return Fail($"turn {turn.Stats.Turn}: policy '{policy.Name}' fell back to sliding ({fallback}).");
    }
}

var window = session.LastWindow!;
var selected = window.Messages.Count(m => m.Reason == KeepReason.Selected);
var fact = window.Messages.FirstOrDefault(m => m.Id == Conversation.FactId);
Console.WriteLine();
Console.WriteLine($"Conversation: {session.Transcript.Count} messages, {session.Transcript.TotalTokens:N0} tokens, {Turns} turns; policy '{policy.Name}', backend 'echo'.");
Console.WriteLine($"Last window:  {window.Tokens:N0} of {window.Available:N0} tokens available (budget {window.Budget:N0}, {window.Budget - window.Available} reserved for the reply and request framing).");
Console.WriteLine($"              kept {window.Messages.Count} messages ({selected} chosen by ScoreFacts + Select), evicted {window.Report.EvictedCount}.");
Console.WriteLine($"Planted fact: turn 2, '{Conversation.FactId}': {(fact.Id is null ? "LOST" : $"in the window, kept as {fact.Reason}")}.");
Console.WriteLine($"Answer:       {answer}");

// Self-checks: a non-zero exit code fails CI.
if (fact.Id is null)
{
    return Fail($"the planted fact '{Conversation.FactId}' is not in the last window.");
}

if (fact.Reason != KeepReason.Selected)
{
    return Fail($"the planted fact was kept as {fact.Reason}, not by the ScoreFacts stage (Selected).");
}

if (!answer.Contains(Conversation.Fact, StringComparison.Ordinal))
{
    return Fail($"the backend's answer does not contain the planted fact {Conversation.Fact}.");
}

Console.WriteLine("OK: every window fit its budget, and the fact planted in turn 2 survived thanks to the ScoreFacts stage.");
return 0;

// An option the settings class does not have, or a value that does not parse, names the option (never the value).
static IChatClient? CreateBackend(BackendSettings settings)
{
    try
    {
        return ChatBackends.Create("echo", settings);
    }
    catch (BackendConfigurationException e)
    {
        Fail(e.Message);
        return null;
    }
}

static int Fail(string why)
{
    Console.Error.WriteLine($"PolicyMinimal: FAILED: {why}");
    return 1;
}
