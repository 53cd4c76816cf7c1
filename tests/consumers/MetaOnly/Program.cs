using Consumers;
using FiniteMemory;
using FiniteMemory.Backends;
using FiniteMemory.Generated;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;
using MetaOnly;

// A consumer of the meta package alone: the OpenAI backend, created by name, talks to a fake OpenAI-compatible server
// in this process on 127.0.0.1; the app's own policy is compiled by the generator that came through the meta package.
// Exit code 0: every check passed; 1: one failed (the message says which).
const int Turns = 60;
const int Budget = 700;
const string ApiKey = "sk-consumer-meta-only";
const string PassportNumber = "X7-30912";

// Naming the generated registry makes the build fail if Core's generator did not flow through the meta package.
var declared = MetaOnlyRegistry.PolicyNames;
Console.WriteLine($"Generated registry: policies [{string.Join(", ", declared)}]");
if (!declared.Contains(PassportPolicy.PolicyName) || !MemoryPolicies.TryGet(PassportPolicy.PolicyName, out _))
{
    return Fail(MemoryPolicies.UnknownMessage(PassportPolicy.PolicyName));
}

// The meta package brings the OpenAI backends and the hosted ones (FiniteMemory.Http).
foreach (var name in (string[])["openai", "ollama", "anthropic", "gemini"])
{
    if (!ChatBackends.TryGet(name, out _))
    {
        return Fail($"backend '{name}' is not registered: {ChatBackends.UnknownMessage(name)}");
    }
}

Console.WriteLine($"Backends: {string.Join(", ", ChatBackends.All.Select(static b => b.Name))}");

await using var server = await FakeOpenAIServer.StartAsync().ConfigureAwait(false);
using var backend = ChatBackends.Create("openai", new BackendSettings
{
    Model = "gpt-4o-mini",
    Endpoint = server.BaseUrl,
    ApiKey = ApiKey,
    Options = new Dictionary<string, string> { ["max-retries"] = "0" },
});

var policy = MemoryPolicies.Create(PassportPolicy.PolicyName);
var session = new MemorySession(backend, new MemoryOptions { Budget = Budget, ReserveTokens = 100, Policy = policy });
session.AddSystem("You are a visa assistant. Answer only from the conversation.");

string[] cities = ["Lisbon", "Nairobi", "Hanoi", "Lima", "Oslo", "Quito", "Dakar", "Perth"];
var answer = string.Empty;
for (var turn = 1; turn <= Turns; turn++)
{
    var text = turn switch
    {
        1 => "Hi, I need help with visa paperwork for a long trip.",
        2 => $"My passport number is {PassportNumber}, issued in Dublin.",
        Turns => "Which passport number did I give you?",
        _ => $"Another stop: {cities[turn % cities.Length]}, staying about a week, flights booked, hotel still open.",
    };
    answer = (await session.ChatAsync(new ChatMessage(ChatRole.User, text) { MessageId = turn == 2 ? "passport" : null }).ConfigureAwait(false)).Text;
    var window = session.LastWindow!;
    if (window.Tokens > window.Available)
    {
        return Fail($"turn {turn}: the window holds {window.Tokens} tokens, more than the {window.Available} available.");
    }
}

var last = session.LastWindow!;
var fact = last.Messages.FirstOrDefault(static m => m.Id == "passport");
Console.WriteLine($"Conversation: {Turns} turns, {session.Transcript.Count} messages, {session.Transcript.TotalTokens:N0} tokens; last window {last.Tokens:N0} of {last.Available:N0} tokens, {last.Messages.Count} messages, evicted {last.Report.EvictedCount}.");
Console.WriteLine($"Answer: {answer}");

if (!server.Errors.IsEmpty)
{
    return Fail($"the fake server rejected a request: {server.Errors.First()}");
}

if (server.ChatRequests != Turns || server.Models.Any(static m => m != "gpt-4o-mini"))
{
    return Fail($"the fake server answered {server.ChatRequests} chat requests for models [{string.Join(", ", server.Models.Distinct())}], not {Turns} for gpt-4o-mini.");
}

if (server.Authorizations.Any(static a => a != "Bearer " + ApiKey))
{
    return Fail("a request did not carry the configured API key as its bearer token.");
}

if (last.Report.EvictedCount == 0)
{
    return Fail("nothing was evicted: the conversation never outgrew the budget, so the policy was not tested.");
}

if (fact.Id is null || fact.Reason != KeepReason.Selected || !answer.Contains(PassportNumber, StringComparison.Ordinal))
{
    return Fail($"the passport number was {(fact.Id is null ? "evicted" : $"kept as {fact.Reason}")} and the answer {(answer.Contains(PassportNumber, StringComparison.Ordinal) ? "quotes" : "does not quote")} it; the policy should have selected it.");
}

Console.WriteLine("MetaOnly: OK (generator through the meta package, OpenAI backend by name over loopback, budget held, passport number recalled).");
return 0;

static int Fail(string why)
{
    Console.Error.WriteLine($"MetaOnly: FAILED: {why}");
    return 1;
}
