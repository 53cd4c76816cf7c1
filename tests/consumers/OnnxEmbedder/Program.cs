using System.Numerics.Tensors;
using FiniteMemory;
using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Policies;
using Microsoft.Extensions.AI;

// A consumer of FiniteMemory.Onnx alone: the offline MiniLM embedder with the model its package brought, on its own
// and inside the semantic policy. Exit code 0: every check passed; 1: one failed (the message says which).
var modelFolder = Path.Combine(AppContext.BaseDirectory, "models", "all-MiniLM-L6-v2");
foreach (var file in (string[])["model.onnx", "vocab.txt"])
{
    if (!File.Exists(Path.Combine(modelFolder, file)))
    {
        return Fail($"the model file '{file}' is not in {modelFolder}; the FiniteMemory.Models.MiniLM package should have put it there.");
    }
}

using var embedder = new MiniLmEmbedder();

// Similar sentences score closer than unrelated ones.
string[] texts =
[
    "The train to Porto leaves at nine in the morning.",
    "Our rail departure for Porto is at 9 am.",
    "My cat sleeps on the windowsill all afternoon.",
];
var vectors = await embedder.GenerateAsync(texts).ConfigureAwait(false);
if (vectors.Count != texts.Length || vectors.Any(static v => v.Vector.Length != MiniLmEmbedder.Dimensions))
{
    return Fail($"expected {texts.Length} vectors of {MiniLmEmbedder.Dimensions} dimensions, got {vectors.Count} of [{string.Join(", ", vectors.Select(static v => v.Vector.Length).Distinct())}].");
}

var similar = TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[1].Vector.Span);
var unrelated = TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[2].Vector.Span);
Console.WriteLine($"cosine(paraphrase) = {similar:F3}, cosine(unrelated) = {unrelated:F3}");
if (!(similar > unrelated + 0.3f))
{
    return Fail($"the paraphrases ({similar:F3}) are not clearly closer than the unrelated sentences ({unrelated:F3}).");
}

// In a window: the semantic policy keeps an old message that answers the question in other words (no shared terms,
// so only the embeddings can find it); without the embedder the same policy does not keep it.
var withEmbedder = await BuildWindowAsync(embedder).ConfigureAwait(false);
var withoutEmbedder = await BuildWindowAsync(null).ConfigureAwait(false);
var kept = withEmbedder.Messages.FirstOrDefault(static m => m.Id == "allergy");
Console.WriteLine($"semantic window with MiniLM: {withEmbedder.Tokens} of {withEmbedder.Available} tokens, {withEmbedder.Messages.Count} messages; the allergy note {(kept.Id is null ? "evicted" : $"kept as {kept.Reason}")}.");
if (withEmbedder.Tokens > withEmbedder.Available)
{
    return Fail($"the window holds {withEmbedder.Tokens} tokens, more than the {withEmbedder.Available} available.");
}

if (kept.Id is null || kept.Reason != KeepReason.Selected)
{
    return Fail("the semantic policy with the MiniLM embedder did not select the message that answers the question.");
}

if (withoutEmbedder.Messages.Any(static m => m.Id == "allergy"))
{
    return Fail("the window built without an embedder kept the allergy note too, so this check cannot tell that the embedder was used.");
}

Console.WriteLine("OnnxEmbedder: OK (MiniLM from the package, paraphrases closest, the semantic window found what only the embeddings could).");
return 0;

static async Task<ContextWindow> BuildWindowAsync(IEmbeddingGenerator<string, Embedding<float>>? embedder)
{
    var session = new MemorySession(new MemoryOptions { Budget = 320, ReserveTokens = 60, Policy = MemoryPolicies.Create(SemanticPolicy.PolicyName), Embedder = embedder });
    session.AddSystem("You are a travel assistant.");
    session.Add(new ChatMessage(ChatRole.User, "Hello! Planning a family holiday by the coast."));
    session.Add(new ChatMessage(ChatRole.User, "My daughter is allergic to peanuts, so no nut dishes please."), id: "allergy");
    string[] places = ["Lagos", "Faro", "Tavira", "Sagres", "Albufeira", "Olhão"];
    string[] plans = ["book the hotel shuttle", "check the tide times", "rent bicycles", "find a beach with lifeguards", "reserve a boat tour", "buy sun cream"];
    for (var i = 0; i < 24; i++)
    {
        session.Add(new ChatMessage(ChatRole.User, $"In {places[i % places.Length]} we want to {plans[i % plans.Length]} on day {i + 1}."));
        session.Add(new ChatMessage(ChatRole.Assistant, $"Noted: {plans[i % plans.Length]} in {places[i % places.Length]}."));
    }

    session.Add(new ChatMessage(ChatRole.User, "Which foods should the little one avoid at restaurants?"));
    return await session.PrepareAsync().ConfigureAwait(false);
}

static int Fail(string why)
{
    Console.Error.WriteLine($"OnnxEmbedder: FAILED: {why}");
    return 1;
}
