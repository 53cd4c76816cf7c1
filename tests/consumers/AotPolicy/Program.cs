using AotPolicy;
using FiniteMemory;
using FiniteMemory.Backends;
using FiniteMemory.Generated;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

// A consumer of the FiniteMemory.Core package under Native AOT. Exit code 0: every check passed; 1: one failed (the
// message says which).
const int Turns = 100;

// The registry the generator writes for this assembly (FiniteMemory.Generated.AotPolicyRegistry). Naming it here
// makes the build fail when the package lacks the generator, instead of failing later by name at run time.
IReadOnlyList<string> declaredPolicies = AotPolicyRegistry.PolicyNames;
IReadOnlyList<string> declaredBackends = AotPolicyRegistry.BackendNames;
Console.WriteLine($"Generated registry: policies [{string.Join(", ", declaredPolicies)}], backends [{string.Join(", ", declaredBackends)}]");
if (!declaredPolicies.Contains(OrderRecallPolicy.PolicyName) || !declaredBackends.Contains(DeskChatClient.BackendName))
{
    return Fail($"the generated registry does not hold policy '{OrderRecallPolicy.PolicyName}' and backend '{DeskChatClient.BackendName}'.");
}

// By name, as configuration would select them; the registry registered both when the app started.
if (!MemoryPolicies.TryGet(OrderRecallPolicy.PolicyName, out var registration))
{
    return Fail(MemoryPolicies.UnknownMessage(OrderRecallPolicy.PolicyName));
}

if (!ChatBackends.TryGet(DeskChatClient.BackendName, out _))
{
    return Fail(ChatBackends.UnknownMessage(DeskChatClient.BackendName));
}

using var server = DeskServer.Start();
var policy = MemoryPolicies.Create(OrderRecallPolicy.PolicyName);
using var backend = ChatBackends.Create(DeskChatClient.BackendName, new BackendSettings
{
    Model = "desk-2",
    Endpoint = server.Endpoint,
    Options = new Dictionary<string, string> { ["persona"] = "clerk", ["quote-chars"] = "200" },
});

var budget = registration.Budget ?? 0;
if (budget != OrderRecallPolicy.Budget)
{
    return Fail($"the registration's budget is {budget}, not the {OrderRecallPolicy.Budget} the policy declares.");
}

var session = new MemorySession(backend, new MemoryOptions { Budget = budget, ReserveTokens = 150, Policy = policy });
session.AddSystem("You are a delivery support agent. Answer only from the conversation.");

var answer = string.Empty;
foreach (var message in SupportChat.CustomerTurns(Turns))
{
    answer = (await session.ChatAsync(message).ConfigureAwait(false)).Text;
    var turn = session.LastWindow!;
    if (turn.Tokens > turn.Available)
    {
        return Fail($"turn {turn.Stats.Turn}: the window holds {turn.Tokens} tokens, more than the {turn.Available} available.");
    }

    if (turn.Report.Fallback is { } fallback)
    {
        return Fail($"turn {turn.Stats.Turn}: policy '{policy.Name}' fell back ({fallback}).");
    }
}

var window = session.LastWindow!;
var fact = window.Messages.FirstOrDefault(static m => m.Id == SupportChat.FactId);
Console.WriteLine($"Conversation: {Turns} turns, {session.Transcript.Count} messages, {session.Transcript.TotalTokens:N0} tokens; policy '{policy.Name}' ({string.Join(" → ", registration.Stages)}), backend '{DeskChatClient.BackendName}' at {server.Endpoint}.");
Console.WriteLine($"Last window:  {window.Tokens:N0} of {window.Available:N0} tokens available (budget {window.Budget:N0}); kept {window.Messages.Count} messages, evicted {window.Report.EvictedCount}.");
Console.WriteLine($"Order number: {(fact.Id is null ? "LOST" : $"kept, as {fact.Reason}")}.");
Console.WriteLine($"Answer:       {answer}");

if (!server.Errors.IsEmpty)
{
    return Fail($"the desk server could not answer a request: {server.Errors.First()}");
}

if (server.Requests != Turns)
{
    return Fail($"the desk server answered {server.Requests} requests, not one per turn ({Turns}).");
}

if (window.Report.EvictedCount == 0)
{
    return Fail("nothing was evicted: the conversation never outgrew the budget, so the policy was not tested.");
}

if (fact.Id is null || fact.Reason != KeepReason.Selected)
{
    return Fail($"the message stating the order number was {(fact.Id is null ? "evicted" : $"kept as {fact.Reason}")}; the policy should have selected it.");
}

if (!answer.Contains(SupportChat.OrderNumber, StringComparison.Ordinal))
{
    return Fail($"the answer does not quote the order number {SupportChat.OrderNumber}.");
}

Console.WriteLine("AotPolicy: OK (generated registry, policy and backend by name, every window within budget, the order number kept and recalled over loopback HTTP).");
return 0;

static int Fail(string why)
{
    Console.Error.WriteLine($"AotPolicy: FAILED: {why}");
    return 1;
}
