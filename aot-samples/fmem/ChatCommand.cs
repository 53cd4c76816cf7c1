using System.CommandLine;
using System.Globalization;
using FiniteMemory.Backends;
using FiniteMemory.OpenAI;
using FiniteMemory.Policies;

namespace FiniteMemory.Cli;

/// <summary><c>fmem chat</c>: a conversation with a hosted or local model whose every request is the policy's window.</summary>
internal static class ChatCommand
{
    public static Command Create(TextReader? input, TextWriter output, TextWriter error)
    {
        var backend = new Option<string>("--backend")
        {
            Description = $"The chat backend, by registered name ({string.Join(", ", OpenAIPresets.Names)}, and any other backend fmem is built with). Its key comes from its usual environment variable ({OpenAIPresets.OpenAI.KeyVariable}, …), never from the command line.",
            Required = true,
        };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "The server's base URL (for OpenAI-compatible servers: ending in /v1). Defaults to the backend's own.",
        };
        var model = new Option<string>("--model", "-m")
        {
            Description = "The model to chat with.",
            Required = true,
        };
        var policy = new Option<string>("--policy", "-p")
        {
            Description = $"Memory policy: {string.Join(", ", MemoryPolicies.Names)}.",
            DefaultValueFactory = _ => SlidingPolicy.PolicyName,
        };
        var budget = new Option<int?>("--budget", "-b")
        {
            Description = "Token budget for every request (window messages + reserve + request framing). Defaults to the policy's own budget, when it declares one.",
        };
        var system = new Option<string?>("--system", "-s")
        {
            Description = "A system prompt, kept in every request. Ignored when a resumed checkpoint already has one.",
        };
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "Resume the conversation from this file if it exists, and save it there (atomically) after every completed turn. It never holds the API key. Held exclusively (FILE.lock) while the session runs.",
        };
        var stats = new Option<bool>("--stats")
        {
            Description = "Print the memory status line of every turn on stdout (scripted use prints it on stderr otherwise), and the session's totals at the end.",
        };
        var tokenizer = new Option<string?>("--tokenizer", "-t")
        {
            Description = $"Vocabulary to count with: {string.Join(", ", TokenizerPresets.Names)}. Defaults to a local model's own tokenizer, else the backend's (o200k when it names none); reported usage calibrates it.",
        };
        var temperature = new Option<float?>("--temperature")
        {
            Description = "Sampling temperature sent with every request.",
        };
        var maxTokens = new Option<int?>("--max-tokens")
        {
            Description = "The most tokens the model may answer with.",
        };
        var reserve = new Option<int>("--reserve", "-r")
        {
            Description = "Tokens held back from the budget for the model's reply.",
            DefaultValueFactory = _ => 0,
        };
        var timeout = new Option<double?>("--timeout")
        {
            Description = "Seconds one attempt may take before it is retried or fails, and the longest a streamed answer may send nothing, before its first event too: raise it for reasoning models that think silently (the backend's default otherwise).",
        };
        var keyVariable = new Option<string?>("--api-key-env")
        {
            Description = "Read the API key from this environment variable instead of the backend's usual one. Keys are never taken on the command line (other users could read them in the process list).",
        };
        var embedder = new Option<string>("--embedder", "-e")
        {
            Description = $"Embedder handed to the policy (semantic relevance, clustering): {string.Join(", ", Embedders.Names)}.",
            DefaultValueFactory = _ => Embedders.None,
        };
        var modelDirectory = Embedders.CreateModelDirectoryOption();

        var command = new Command("chat", "Chat with a model through a memory policy: every request is the policy's window, within the budget, with the system prompt kept. Interactive on a terminal; with stdin redirected it reads one message per line and prints one answer per turn.")
        {
            backend, endpoint, model, policy, budget, system, checkpoint, stats, tokenizer, temperature, maxTokens, reserve, timeout, keyVariable, embedder, modelDirectory,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new ChatRequest(
                parse.GetValue(backend)!,
                parse.GetValue(model)!,
                parse.GetValue(policy)!,
                parse.GetValue(budget))
            {
                Endpoint = parse.GetValue(endpoint),
                System = parse.GetValue(system),
                Checkpoint = parse.GetValue(checkpoint),
                Stats = parse.GetValue(stats),
                Tokenizer = parse.GetValue(tokenizer),
                Temperature = parse.GetValue(temperature),
                MaxTokens = parse.GetValue(maxTokens),
                Reserve = parse.GetValue(reserve),
                Timeout = parse.GetValue(timeout),
                ApiKeyVariable = parse.GetValue(keyVariable),
                Embedder = parse.GetValue(embedder)!,
                ModelDirectory = parse.GetValue(modelDirectory),
            };
            var interactive = input is null && !Console.IsInputRedirected;
            return await ChatLoop.RunAsync(request, input ?? Console.In, interactive, output, error, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }
}

/// <summary>The arguments of one chat session.</summary>
internal sealed record ChatRequest(string Backend, string Model, string Policy, int? Budget)
{
    public string? Endpoint { get; init; }

    public string? System { get; init; }

    public string? Checkpoint { get; init; }

    public bool Stats { get; init; }

    public string? Tokenizer { get; init; }

    public float? Temperature { get; init; }

    public int? MaxTokens { get; init; }

    public int Reserve { get; init; }

    public double? Timeout { get; init; }

    public string? ApiKeyVariable { get; init; }

    public string Embedder { get; init; } = Embedders.None;

    /// <summary>The embedder's model folder (<c>--model-dir</c>), or null for the one beside fmem.</summary>
    public string? ModelDirectory { get; init; }
}
