using System.CommandLine;
using System.Globalization;
using FiniteMemory.Evaluation;
using FiniteMemory.Policies;

namespace FiniteMemory.Cli;

/// <summary><c>fmem eval</c>: measures how much of what questions need each memory policy keeps, per budget.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataset = new Argument<string?>("dataset")
        {
            Description = "A dataset JSON file: {\"conversations\":[{\"id\",\"turns\":[{\"id\",\"speaker\",\"role\",\"text\",\"session\"}],\"questions\":[{\"id\",\"question\",\"answer\",\"evidence\"}]}]}. Leave out with --synthetic.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var policy = new Option<string[]>("--policy", "-p")
        {
            Description = $"Memory policies to compare, comma-separated or repeated: {string.Join(", ", MemoryPolicies.Names)}.",
            Required = true,
        };
        var budget = new Option<string[]>("--budget", "-b")
        {
            Description = "Budgets, comma-separated or repeated: tokens (4000) or a percentage of each conversation's transcript tokens (10%).",
            Required = true,
        };
        var embedder = new Option<string>("--embedder", "-e")
        {
            Description = $"Embedder handed to the policies: {string.Join(", ", Embedders.Names)}.",
            DefaultValueFactory = _ => Embedders.None,
        };
        var modelDirectory = Embedders.CreateModelDirectoryOption();
        var tokenizer = new Option<string>("--tokenizer", "-t")
        {
            Description = $"Vocabulary to count with: {string.Join(", ", TokenizerPresets.Names)}.",
            DefaultValueFactory = _ => "o200k",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object with a \"results\" array (one entry per policy and budget) instead of the table.",
        };
        var synthetic = new Option<bool>("--synthetic")
        {
            Description = "Evaluate on a generated dataset (long multi-session chats with planted facts, updates and distractors) instead of a file.",
        };
        var seed = new Option<long?>("--seed")
        {
            Description = "With --synthetic: the generator's seed (default 1); equal seeds give identical datasets.",
        };
        var conversations = new Option<int?>("--conversations")
        {
            Description = "With --synthetic: how many conversations to generate (default 10, at most 1000).",
        };
        var write = new Option<string?>("--write")
        {
            Description = "With --synthetic: also save the generated dataset to this JSON file.",
        };

        var command = new Command("eval", "Measure how well memory policies keep what matters: for each question of a dataset, build the window a policy keeps under each budget and score it against the question's evidence turns and answer.")
        {
            dataset, policy, budget, embedder, modelDirectory, tokenizer, json, synthetic, seed, conversations, write,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new EvalRequest(
                parse.GetValue(dataset),
                parse.GetValue(policy) ?? [],
                parse.GetValue(budget) ?? [],
                parse.GetValue(embedder)!,
                parse.GetValue(tokenizer)!,
                parse.GetValue(json),
                parse.GetValue(synthetic),
                parse.GetValue(seed),
                parse.GetValue(conversations),
                parse.GetValue(write))
            {
                ModelDirectory = parse.GetValue(modelDirectory),
            };
            return await RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }

    internal static async Task<int> RunAsync(EvalRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (CheckSource(request) is { } usage)
        {
            return FmemApp.Fail(error, usage);
        }

        var policies = Split(request.Policies);
        if (policies.Count == 0)
        {
            return FmemApp.Fail(error, $"--policy names no policy. Known policies: {string.Join(", ", MemoryPolicies.Names)}.");
        }

        try
        {
            foreach (var name in policies)
            {
                if (!MemoryPolicies.TryGet(name, out _))
                {
                    return FmemApp.Fail(error, $"unknown policy '{name}'. Known policies: {string.Join(", ", MemoryPolicies.Names)} (see 'fmem policies').");
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            return FmemApp.Fail(error, ex.Message);
        }

        var budgets = new List<EvaluationBudget>();
        foreach (var text in Split(request.Budgets))
        {
            if (!EvaluationBudget.TryParse(text, out var parsed, out var problem))
            {
                return FmemApp.Fail(error, $"--budget: {problem}");
            }

            budgets.Add(parsed);
        }

        if (budgets.Count == 0)
        {
            return FmemApp.Fail(error, "--budget names no budget; give tokens (4000) or a percentage of each conversation (10%).");
        }

        if (!TokenizerPresets.TryParse(request.Tokenizer, out var preset))
        {
            return FmemApp.Fail(error, $"unknown tokenizer '{request.Tokenizer}'. Known tokenizers: {string.Join(", ", TokenizerPresets.Names)}.");
        }

        if (!Embedders.IsAvailable(request.Embedder, request.ModelDirectory, out var embedderProblem))
        {
            return FmemApp.Fail(error, embedderProblem);
        }

        // Loading a vocabulary (and a model) is slow: do it while the dataset is read or generated.
        var counter = Task.Run(() => TokenCounter.For(preset), cancellationToken);
        var starting = Embedders.StartAsync(request.Embedder, request.ModelDirectory, cancellationToken);

        EvaluationDataset data;
        string source;
        if (request.Synthetic)
        {
            var seed = request.Seed ?? EvalRequest.DefaultSeed;
            data = SyntheticDataset.Generate(seed, new SyntheticDatasetOptions { Conversations = request.Conversations ?? new SyntheticDatasetOptions().Conversations });
            source = string.Create(CultureInfo.InvariantCulture, $"synthetic (seed {seed})");
            if (request.Write is { } path)
            {
                try
                {
                    EvaluationDatasetFile.Write(path, data);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return FmemApp.Fail(error, $"cannot write the dataset to '{path}': {FiniteMemory.Http.ExceptionText.Describe(ex)}");
                }
            }
        }
        else
        {
            source = request.Path!;
            try
            {
                data = EvaluationDatasetFile.Read(source);
            }
            catch (FileNotFoundException)
            {
                return FmemApp.Fail(error, $"dataset '{source}' does not exist.");
            }
            catch (FormatException ex)
            {
                return FmemApp.Fail(error, $"{source}: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return FmemApp.Fail(error, $"cannot read dataset '{source}': {FiniteMemory.Http.ExceptionText.Describe(ex)}");
            }
        }

        var (embedder, embedderFailure) = await starting.ConfigureAwait(false);
        if (embedderFailure is not null)
        {
            return FmemApp.Fail(error, embedderFailure);
        }

        var report = await MemoryEvaluator.EvaluateAsync(
            data,
            new EvaluationOptions
            {
                Policies = policies,
                Budgets = budgets,
                TokenCounter = await counter.ConfigureAwait(false),
                Embedder = embedder,
            },
            cancellationToken).ConfigureAwait(false);

        var run = new EvalRun(source, request.Synthetic ? request.Seed ?? EvalRequest.DefaultSeed : null, request.Embedder.Trim().ToLowerInvariant(), report);
        if (request.Json)
        {
            EvalJson.Write(output, run);
        }
        else
        {
            EvalText.Write(output, run);
        }

        return 0;
    }

    // Where the dataset comes from: exactly one of a file and --synthetic; the generator's options only with --synthetic.
    private static string? CheckSource(EvalRequest request)
    {
        if (request.Synthetic && request.Path is not null)
        {
            return $"give either a dataset file or --synthetic, not both (got '{request.Path}' and --synthetic).";
        }

        if (!request.Synthetic && request.Path is null)
        {
            return "no dataset: give a dataset JSON file, or --synthetic to generate one.";
        }

        if (!request.Synthetic)
        {
            var stray = new[] { (request.Seed is not null, "--seed"), (request.Conversations is not null, "--conversations"), (request.Write is not null, "--write") }
                .FirstOrDefault(static o => o.Item1).Item2;
            if (stray is not null)
            {
                return $"{stray} only applies to a generated dataset; add --synthetic (and leave out the dataset file) or drop {stray}.";
            }
        }

        if (request.Conversations is <= 0 or > SyntheticDatasetOptions.MaxConversations)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--conversations must be at least 1 and at most {SyntheticDatasetOptions.MaxConversations} (got {request.Conversations}).");
        }

        return null;
    }

    private static List<string> Split(IEnumerable<string> values) =>
        [.. values.SelectMany(static v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}

/// <summary>The arguments of one evaluation.</summary>
internal sealed record EvalRequest(
    string? Path,
    IReadOnlyList<string> Policies,
    IReadOnlyList<string> Budgets,
    string Embedder,
    string Tokenizer,
    bool Json,
    bool Synthetic,
    long? Seed,
    int? Conversations,
    string? Write)
{
    /// <summary>The generator's seed when --synthetic comes without --seed.</summary>
    public const long DefaultSeed = 1;

    /// <summary>The embedder's model folder (<c>--model-dir</c>), or null for the one beside fmem.</summary>
    public string? ModelDirectory { get; init; }
}

/// <summary>What one evaluation measured and on what.</summary>
/// <param name="Source">The dataset file, or "synthetic (seed S)".</param>
/// <param name="Seed">The generator's seed for a synthetic dataset, else null.</param>
/// <param name="Embedder">The embedder's name.</param>
/// <param name="Report">The evaluator's report.</param>
internal sealed record EvalRun(string Source, long? Seed, string Embedder, EvaluationReport Report);
