using System.Text.Json;
using FiniteMemory.Evaluation;

namespace FiniteMemory.Cli.Tests;

public class EvalTests
{
    private static readonly string[] ResultFields =
        ["policy", "budget", "budget_percent", "questions", "all_evidence_recall", "evidence_recall", "answer_recall", "mean_window_tokens", "mean_policy_ms", "failures", "fallbacks"];

    [Test]
    public async Task Eval_text_shows_policies_by_budgets_with_sliding_as_the_baseline()
    {
        using var dir = new TempDirectory();
        var path = EvalDatasets.WriteSynthetic(dir);

        var result = await Fmem.RunAsync("eval", path, "--policy", "sliding", "--budget", "10%,2000");

        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
        await Assert.That(result.Stdout).StartsWith($"fmem eval {path}\n2 conversations · ");
        await Assert.That(result.Stdout).Contains("tokenizer o200k · embedder none");
        await Assert.That(result.Stdout).Contains("All-evidence recall (questions whose every evidence turn is in the window verbatim):");
        await Assert.That(result.Stdout).Contains("sliding (baseline)");
        await Assert.That(result.Stdout).Contains("ALL EVIDENCE  VS SLIDING  EVIDENCE  ANSWER  WINDOW TOKENS  POLICY MS  FAILURES");
        await Assert.That(result.Stdout).Contains("  sliding  10% (≈");
        await Assert.That(result.Stdout).Contains("  sliding  2,000 ");
        await Assert.That(result.Stdout).Contains("baseline");
    }

    [Test]
    public async Task With_the_minilm_embedder_the_semantic_policy_keeps_evidence_that_shares_no_word_with_the_question()
    {
        // The evidence says "beagle puppy"; the question asks about "breed" and "dog": no content word in common.
        string[] filler =
        [
            "The weather has been grey and windy all week.", "I tried a lentil soup with cumin and lemon last night.",
            "Work was hectic; the quarterly report went out late.", "The gym was packed so I ran along the river instead.",
            "I'm reading a long novel about a lighthouse keeper.", "Our kitchen tap keeps dripping at night.",
            "The train was late again this morning.", "I need to renew my library card soon.",
        ];
        var turns = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var text = i == 3 ? "We adopted a beagle puppy last spring and he already chews everything." : filler[i % filler.Length];
            var role = i % 2 == 0 ? "user" : "assistant";
            turns.Add("{\"id\":\"t" + i + "\",\"speaker\":\"Ann\",\"role\":\"" + role + "\",\"text\":\"" + text + "\"}");
        }

        var dataset = "{\"conversations\":[{\"id\":\"c1\",\"turns\":[" + string.Join(",", turns)
            + "],\"questions\":[{\"id\":\"q1\",\"question\":\"Which breed is our dog?\",\"answer\":\"beagle\",\"evidence\":[\"t3\"]}]}]}";
        using var dir = new TempDirectory();
        var path = dir.Write("paraphrase.json", [dataset]);

        var lexical = await Fmem.RunAsync("eval", path, "--policy", "semantic", "--budget", "30%", "--json");
        var semantic = await Fmem.RunAsync("eval", path, "--policy", "semantic", "--budget", "30%", "--embedder", "minilm", "--json");

        using var lexicalJson = await ParseSingleObjectAsync(lexical);
        using var semanticJson = await ParseSingleObjectAsync(semantic);
        await Assert.That(lexicalJson.RootElement.GetProperty("results")[0].GetProperty("all_evidence_recall").GetDouble()).IsEqualTo(0.0);
        await Assert.That(semanticJson.RootElement.GetProperty("results")[0].GetProperty("all_evidence_recall").GetDouble()).IsEqualTo(1.0);
        await Assert.That(semanticJson.RootElement.GetProperty("embedder").GetString()).IsEqualTo("minilm");
        await Assert.That(semanticJson.RootElement.GetProperty("embedding_seconds").GetDouble()).IsGreaterThan(0.0);
        await Assert.That(lexicalJson.RootElement.GetProperty("embedding_seconds").GetDouble()).IsEqualTo(0.0);
    }

    [Test]
    public async Task Eval_json_is_one_object_with_one_result_per_policy_and_budget()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("valid.json", [EvalDatasets.Valid]);

        var result = await Fmem.RunAsync("eval", path, "--policy", "sliding", "--budget", "1000000", "--budget", "50%,3", "--json");

        using var document = await ParseSingleObjectAsync(result);
        var root = document.RootElement;
        await Assert.That(string.Join(",", root.EnumerateObject().Select(p => p.Name)))
            .IsEqualTo("dataset,seed,tokenizer,embedder,conversations,turns,questions,transcript_tokens,embedding_seconds,results");
        await Assert.That(root.GetProperty("dataset").GetString()).IsEqualTo(path);
        await Assert.That(root.GetProperty("seed").ValueKind).IsEqualTo(JsonValueKind.Null);
        await Assert.That(root.GetProperty("conversations").GetInt32()).IsEqualTo(2);
        await Assert.That(root.GetProperty("turns").GetInt32()).IsEqualTo(6);
        await Assert.That(root.GetProperty("questions").GetInt32()).IsEqualTo(3);

        var results = root.GetProperty("results").EnumerateArray().ToArray();
        await Assert.That(results.Length).IsEqualTo(3);
        foreach (var r in results)
        {
            await Assert.That(string.Join(",", r.EnumerateObject().Select(p => p.Name))).IsEqualTo(string.Join(",", ResultFields));
            await Assert.That(r.GetProperty("policy").GetString()).IsEqualTo("sliding");
            await Assert.That(r.GetProperty("questions").GetInt32()).IsEqualTo(3);
        }

        // Room for everything: every evidence turn and answer is kept.
        await Assert.That(results[0].GetProperty("budget").GetInt32()).IsEqualTo(1000000);
        await Assert.That(results[0].GetProperty("budget_percent").ValueKind).IsEqualTo(JsonValueKind.Null);
        await Assert.That(results[0].GetProperty("all_evidence_recall").GetDouble()).IsEqualTo(1.0);
        await Assert.That(results[0].GetProperty("evidence_recall").GetDouble()).IsEqualTo(1.0);
        await Assert.That(results[0].GetProperty("answer_recall").GetDouble()).IsEqualTo(1.0);
        await Assert.That(results[0].GetProperty("failures").GetInt32()).IsEqualTo(0);

        // A percentage: budget_percent set, budget the mean of the conversations' budgets.
        await Assert.That(results[1].GetProperty("budget_percent").GetDouble()).IsEqualTo(50.0);
        await Assert.That(results[1].GetProperty("budget").GetInt32()).IsGreaterThan(0);

        // Three tokens are used up by the request's framing: every question fails, counted as a miss.
        await Assert.That(results[2].GetProperty("failures").GetInt32()).IsEqualTo(3);
        await Assert.That(results[2].GetProperty("all_evidence_recall").GetDouble()).IsEqualTo(0.0);
        await Assert.That(results[2].GetProperty("answer_recall").GetDouble()).IsEqualTo(0.0);
    }

    [Test]
    public async Task Eval_synthetic_with_one_seed_prints_the_same_numbers_and_writes_the_same_dataset_every_time()
    {
        using var dir = new TempDirectory();
        var first = Path.Combine(dir.Path, "first.json");
        var second = Path.Combine(dir.Path, "second.json");

        var a = await Fmem.RunAsync("eval", "--synthetic", "--seed", "3", "--conversations", "1", "--write", first, "--policy", "sliding", "--budget", "10%", "--json");
        var b = await Fmem.RunAsync("eval", "--synthetic", "--seed", "3", "--conversations", "1", "--write", second, "--policy", "sliding", "--budget", "10%", "--json");

        using var document = await ParseSingleObjectAsync(a);
        await Assert.That(document.RootElement.GetProperty("dataset").GetString()).IsEqualTo("synthetic (seed 3)");
        await Assert.That(document.RootElement.GetProperty("seed").GetInt64()).IsEqualTo(3);
        await Assert.That(document.RootElement.GetProperty("conversations").GetInt32()).IsEqualTo(1);
        await Assert.That(EvalDatasets.WithoutTiming(b.Stdout)).IsEqualTo(EvalDatasets.WithoutTiming(a.Stdout));
        await Assert.That(File.ReadAllBytes(second)).IsEquivalentTo(File.ReadAllBytes(first));

        var written = EvaluationDatasetFile.Read(first);
        await Assert.That(written.Conversations.Count).IsEqualTo(1);
        await Assert.That(written.QuestionCount).IsEqualTo(document.RootElement.GetProperty("questions").GetInt32());
        await Assert.That(EvaluationDatasetFile.Serialize(written)).IsEqualTo(EvaluationDatasetFile.Serialize(SyntheticDataset.Generate(3, new SyntheticDatasetOptions { Conversations = 1 })));
    }

    [Test]
    public async Task Eval_synthetic_with_different_seeds_generates_different_datasets()
    {
        using var dir = new TempDirectory();
        var three = Path.Combine(dir.Path, "three.json");
        var four = Path.Combine(dir.Path, "four.json");

        await Fmem.RunAsync("eval", "--synthetic", "--seed", "3", "--conversations", "1", "--write", three, "--policy", "sliding", "--budget", "10%");
        await Fmem.RunAsync("eval", "--synthetic", "--seed", "4", "--conversations", "1", "--write", four, "--policy", "sliding", "--budget", "10%");

        await Assert.That(File.ReadAllText(four)).IsNotEqualTo(File.ReadAllText(three));
    }

    [Test]
    public async Task Eval_of_a_written_synthetic_dataset_gives_the_numbers_of_evaluating_it_generated()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "written.json");

        var generated = await Fmem.RunAsync("eval", "--synthetic", "--seed", "5", "--conversations", "1", "--write", path, "--policy", "sliding", "--budget", "5%,20%", "--json");
        var read = await Fmem.RunAsync("eval", path, "--policy", "sliding", "--budget", "5%,20%", "--json");

        using var a = await ParseSingleObjectAsync(generated);
        using var b = await ParseSingleObjectAsync(read);
        await Assert.That(EvalDatasets.WithoutTiming(b.RootElement.GetProperty("results").GetRawText()))
            .IsEqualTo(EvalDatasets.WithoutTiming(a.RootElement.GetProperty("results").GetRawText()));
    }

    internal static async Task<JsonDocument> ParseSingleObjectAsync(FmemResult result)
    {
        await Assert.That(result.ExitCode).IsEqualTo(0).Because(result.ToString());
        await Assert.That(result.Stderr).IsEqualTo(string.Empty);
        await Assert.That(result.Stdout.TrimEnd('\n').Contains('\n', StringComparison.Ordinal)).IsFalse();
        var document = JsonDocument.Parse(result.Stdout);
        await Assert.That(document.RootElement.ValueKind).IsEqualTo(JsonValueKind.Object);
        return document;
    }
}
