using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.AI;
using FiniteMemory.Policies;

namespace FiniteMemory.Cli;

/// <summary><c>fmem replay</c>: builds the window a policy would send for the last user message of a transcript.</summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var transcript = new Argument<string>("transcript")
        {
            Description = "A JSON Lines file, one OpenAI-style chat message per line (role, content, name, tool_calls, tool_call_id; optional id and pinned).",
        };
        var policy = new Option<string>("--policy", "-p")
        {
            Description = $"Memory policy: {string.Join(", ", MemoryPolicies.Names)}.",
            DefaultValueFactory = _ => SlidingPolicy.PolicyName,
        };
        var budget = new Option<int?>("--budget", "-b")
        {
            Description = "Token budget for the request (window messages + reserve + request framing). Defaults to the policy's own budget, when it declares one.",
        };
        var tokenizer = new Option<string>("--tokenizer", "-t")
        {
            Description = $"Vocabulary to count with: {string.Join(", ", TokenizerPresets.Names)}.",
            DefaultValueFactory = _ => "o200k",
        };
        var reserve = new Option<int>("--reserve", "-r")
        {
            Description = "Tokens held back from the budget for the model's reply.",
            DefaultValueFactory = _ => 0,
        };
        var embedder = new Option<string>("--embedder", "-e")
        {
            Description = $"Embedder handed to the policy (semantic relevance, clustering): {string.Join(", ", Embedders.Names)}.",
            DefaultValueFactory = _ => Embedders.None,
        };
        var modelDirectory = Embedders.CreateModelDirectoryOption();
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object (window, report, stats) instead of the readable report.",
        };

        var command = new Command("replay", "Build the window a memory policy keeps for the last user message of a transcript, and report what it kept, evicted and truncated.")
        {
            transcript, policy, budget, tokenizer, reserve, embedder, modelDirectory, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new ReplayRequest(
                parse.GetValue(transcript)!,
                parse.GetValue(policy)!,
                parse.GetValue(budget),
                parse.GetValue(tokenizer)!,
                parse.GetValue(reserve),
                parse.GetValue(json))
            {
                Embedder = parse.GetValue(embedder)!,
                ModelDirectory = parse.GetValue(modelDirectory),
            };
            return await RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }

    internal static async Task<int> RunAsync(ReplayRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Policies resolve only through the generated registries (FiniteMemory.Core's built-ins, plus any
        // assembly compiled with the generator): no reflection, so this works the same under Native AOT.
        PolicyRegistration? registration;
        try
        {
            if (!MemoryPolicies.TryGet(request.Policy, out registration))
            {
                return FmemApp.Fail(error, $"unknown policy '{request.Policy}'. Known policies: {string.Join(", ", MemoryPolicies.Names)} (see 'fmem policies').");
            }
        }
        catch (InvalidOperationException ex)
        {
            return FmemApp.Fail(error, ex.Message);
        }

        var policy = registration.Create();
        if (request.Budget is null)
        {
            if (registration.Budget is not { } declared)
            {
                return FmemApp.Fail(error, $"--budget is required: policy '{registration.Name}' declares no budget of its own. Pass --budget N (tokens).");
            }

            request = request with { Budget = declared };
        }

        if (!TokenizerPresets.TryParse(request.Tokenizer, out var preset))
        {
            return FmemApp.Fail(error, $"unknown tokenizer '{request.Tokenizer}'. Known tokenizers: {string.Join(", ", TokenizerPresets.Names)}.");
        }

        if (request.Budget <= 0 || request.Budget > MemoryOptions.MaxBudget)
        {
            return FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--budget must be a positive number of tokens, at most {MemoryOptions.MaxBudget} (got {request.Budget})."));
        }

        if (request.Reserve < 0 || request.Reserve >= request.Budget)
        {
            return FmemApp.Fail(error, string.Create(CultureInfo.InvariantCulture, $"--reserve must be at least 0 and smaller than --budget (got reserve {request.Reserve}, budget {request.Budget})."));
        }

        if (!Embedders.IsAvailable(request.Embedder, request.ModelDirectory, out var embedderProblem))
        {
            return FmemApp.Fail(error, embedderProblem);
        }

        // Loading a vocabulary (and a model) is the slowest part of a cold start: do it while the transcript is read.
        var counter = Task.Run(() => TokenCounter.For(preset), cancellationToken);
        var starting = Embedders.StartAsync(request.Embedder, request.ModelDirectory, cancellationToken);

        IReadOnlyList<ChatJsonlMessage> messages;
        try
        {
            messages = ChatJsonl.ReadFile(request.Path);
        }
        catch (FileNotFoundException)
        {
            return FmemApp.Fail(error, $"transcript '{request.Path}' does not exist.");
        }
        catch (FormatException ex)
        {
            return FmemApp.Fail(error, $"{request.Path}: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return FmemApp.Fail(error, $"cannot read transcript '{request.Path}': {FiniteMemory.Http.ExceptionText.Describe(ex)}");
        }

        if (!messages.Any(m => m.Message.Role == ChatRole.User))
        {
            return FmemApp.Fail(error, $"{request.Path}: the transcript has no user message; its last user message is the turn being prepared.");
        }

        var (model, failure) = await starting.ConfigureAwait(false);
        if (failure is not null)
        {
            return FmemApp.Fail(error, failure);
        }

        var session = new MemorySession(new MemoryOptions
        {
            Budget = request.TokenBudget,
            ReserveTokens = request.Reserve,
            Policy = policy,
            TokenCounter = await counter.ConfigureAwait(false),
            Embedder = model,
        });

        // Ids and pins are on the messages (ChatJsonl puts them there).
        session.AddRange(messages.Select(m => m.Message));

        ContextWindow window;
        try
        {
            window = await session.PrepareAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MemoryBudgetException ex)
        {
            return FmemApp.Fail(error, ex.Message);
        }

        if (request.Json)
        {
            ReplayJson.Write(output, request, session, window);
        }
        else
        {
            ReplayText.Write(output, request, session, window);
        }

        return 0;
    }
}

/// <summary>The arguments of one replay.</summary>
internal sealed record ReplayRequest(string Path, string Policy, int? Budget, string Tokenizer, int Reserve, bool Json)
{
    /// <summary>The embedder's name (<c>none</c> by default).</summary>
    public string Embedder { get; init; } = Embedders.None;

    /// <summary>The embedder's model folder (<c>--model-dir</c>), or null for the one beside fmem.</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>The budget after validation (the policy's own when none was given).</summary>
    public int TokenBudget => Budget ?? throw new InvalidOperationException("The budget has not been resolved.");
}
