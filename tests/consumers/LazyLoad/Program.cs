using Consumers;
using FiniteMemory;
using FiniteMemory.Backends;
using FiniteMemory.Evaluation;
using FiniteMemory.Local;
using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Policies;
using FiniteMemory.Torch;
using LazyLoad;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

// Heavy backends load only when used (issue 13, item 5). This app references every FiniteMemory package, so
// TorchSharp with libtorch and ONNX Runtime sit beside it. It builds windows and calls a hosted (fake) model, then
// checks that none of them was loaded, managed or native; then it creates the local backends and checks that they
// were. Exit code 0: every check passed; 1: one failed (the message says which).
var log = new LoadLog();
string[] heavyAssemblies = ["TorchSharp", "Microsoft.ML.OnnxRuntime"];
string[] torchNative = ["libtorch", "libc10", "libLibTorchSharp"];
string[] onnxNative = ["libonnxruntime"];
var failures = new List<string>();

// Phase 1: what an app using a hosted API does. The packages' backends are all registered (by the registry the
// generator wrote for this app, run at start-up), the hosted one is created by name and called.
log.Enter("hosted");
foreach (var name in (string[])["openai", "anthropic", "torch", "onnx"])
{
    if (!ChatBackends.TryGet(name, out _))
    {
        failures.Add($"backend '{name}' is not registered: {ChatBackends.UnknownMessage(name)}");
    }
}

var dataset = SyntheticDataset.Generate(7, new SyntheticDatasetOptions
{
    Conversations = 1, MinSessions = 2, MaxSessions = 3, MinTurnsPerSession = 4, MaxTurnsPerSession = 6, MinFacts = 1, MaxFacts = 2, MaxQuestions = 1,
});
var conversation = dataset.Conversations[0];
await using (var server = await FakeOpenAIServer.StartAsync().ConfigureAwait(false))
{
    using var hosted = ChatBackends.Create("openai", new BackendSettings
    {
        Model = "gpt-4o-mini",
        Endpoint = server.BaseUrl,
        ApiKey = "sk-consumer-lazy-load",
        Options = new Dictionary<string, string> { ["max-retries"] = "0" },
    });
    var session = new MemorySession(hosted, new MemoryOptions { Budget = 400, ReserveTokens = 80, Policy = MemoryPolicies.Create(SemanticPolicy.PolicyName) });
    foreach (var turn in conversation.Turns.Where(static t => t.IsUser).Append(new EvaluationTurn { Id = "q", Role = EvaluationTurn.UserRole, Text = conversation.Questions[0].Question }))
    {
        await session.ChatAsync(turn.Text).ConfigureAwait(false);
        if (session.LastWindow!.Tokens > session.LastWindow.Available)
        {
            failures.Add($"a window holds {session.LastWindow.Tokens} tokens, more than the {session.LastWindow.Available} available.");
        }
    }

    if (server.ChatRequests == 0 || !server.Errors.IsEmpty)
    {
        failures.Add($"the hosted fake answered {server.ChatRequests} requests ({string.Join("; ", server.Errors)}).");
    }

    Console.WriteLine($"hosted: {server.ChatRequests} turns answered by the fake OpenAI server; last window {session.LastWindow!.Tokens} of {session.LastWindow.Available} tokens, {session.LastWindow.Messages.Count} messages.");
}

Expect("after the hosted turns", heavyAssemblies, loaded: false, torchNative.Concat(onnxNative), mapped: false);

// Phase 2: the local embedder loads ONNX Runtime, and only that.
log.Enter("minilm");
using (var embedder = new MiniLmEmbedder())
{
    var vectors = await embedder.GenerateAsync(["The ferry leaves at noon.", "The boat departs at midday."]).ConfigureAwait(false);
    var cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[1].Vector.Span);
    Console.WriteLine($"minilm: two paraphrases embedded, cosine {cosine:F3}.");
}

Expect("after MiniLmEmbedder", ["Microsoft.ML.OnnxRuntime"], loaded: true, onnxNative, mapped: true);
Expect("after MiniLmEmbedder", ["TorchSharp"], loaded: false, torchNative, mapped: false);

// Phase 3: a Torch backend loads TorchSharp and libtorch.
log.Enter("torch");
var folder = TinyGpt2.Write(Path.Combine(Path.GetTempPath(), $"fm-lazyload-{Environment.ProcessId}"));
try
{
    using var local = TorchBackends.Create(folder, new LocalChatClientOptions { DefaultMaxOutputTokens = 3 }, TiktokenTokenizer.CreateForModel("gpt2"));
    var reply = await local.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello there.")]).ConfigureAwait(false);
    Console.WriteLine($"torch: a tiny GPT-2 answered {reply.Usage?.OutputTokenCount} tokens.");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Expect("after the Torch backend", ["TorchSharp"], loaded: true, torchNative, mapped: true);

Console.WriteLine();
Console.WriteLine($"Loaded before Main ({log.Initial.Count}): {string.Join(", ", log.Initial)}");
Console.WriteLine("Assembly loads, in order:");
var events = log.Events;
for (var i = 0; i < events.Count; i++)
{
    Console.WriteLine($"  {i + 1,3}. [{events[i].Phase}] {events[i].Assembly}");
}

Console.WriteLine($"Native libraries mapped at the end: {string.Join(", ", LoadLog.MappedLibraries([.. torchNative, .. onnxNative]))}");

if (failures.Count > 0)
{
    foreach (var failure in failures)
    {
        Console.Error.WriteLine($"LazyLoad: FAILED: {failure}");
    }

    return 1;
}

Console.WriteLine("LazyLoad: OK (TorchSharp, ONNX Runtime and their native libraries stayed unloaded through hosted turns, and loaded when a local backend was created).");
return 0;

// Records a failure unless each assembly's loaded state and each native library prefix's mapped state is as expected.
void Expect(string when, IEnumerable<string> assemblies, bool loaded, IEnumerable<string> nativePrefixes, bool mapped)
{
    foreach (var assembly in assemblies.Where(a => LoadLog.IsLoaded(a) != loaded))
    {
        failures.Add($"{when}: {assembly} is {(loaded ? "not loaded" : "loaded")}.");
    }

    foreach (var prefix in nativePrefixes)
    {
        var found = LoadLog.MappedLibraries(prefix);
        if ((found.Count > 0) != mapped)
        {
            failures.Add($"{when}: {(mapped ? $"no native {prefix}* library is mapped" : $"native {string.Join(", ", found)} is mapped")}.");
        }
    }
}
