using System.Text.Json;
using System.Text.Json.Serialization;
using FiniteMemory.Evaluation;

namespace FiniteMemory.Cli;

/// <summary>The <c>--json</c> output of <c>fmem eval</c>: exactly one JSON object, its fields in snake_case.</summary>
internal static class EvalJson
{
    public static void Write(TextWriter output, EvalRun run)
    {
        var report = run.Report;
        var result = new EvalOutput
        {
            Dataset = run.Source,
            Seed = run.Seed,
            Tokenizer = report.Tokenizer,
            Embedder = run.Embedder,
            Conversations = report.Conversations,
            Turns = report.Turns,
            Questions = report.Questions,
            TranscriptTokens = report.TranscriptTokens,
            EmbeddingSeconds = Math.Round(report.EmbeddingTime.TotalSeconds, 3),
            Results = [.. report.Results.Select(static r => new EvalResultJson
            {
                Policy = r.Policy,
                Budget = r.Budget,
                BudgetPercent = r.BudgetPercent,
                Questions = r.Questions,
                AllEvidenceRecall = Math.Round(r.AllEvidenceRecall, 4),
                EvidenceRecall = Math.Round(r.EvidenceRecall, 4),
                AnswerRecall = Math.Round(r.AnswerRecall, 4),
                MeanWindowTokens = Math.Round(r.MeanWindowTokens, 1),
                MeanPolicyMs = Math.Round(r.MeanPolicyMs, 3),
                Failures = r.Failures,
                Fallbacks = r.Fallbacks,
            })],
        };

        output.WriteLine(JsonSerializer.Serialize(result, FmemJsonContext.Default.EvalOutput));
    }
}

internal sealed class EvalOutput
{
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("seed")]
    public required long? Seed { get; init; }

    [JsonPropertyName("tokenizer")]
    public required string Tokenizer { get; init; }

    [JsonPropertyName("embedder")]
    public required string Embedder { get; init; }

    [JsonPropertyName("conversations")]
    public required int Conversations { get; init; }

    [JsonPropertyName("turns")]
    public required int Turns { get; init; }

    [JsonPropertyName("questions")]
    public required int Questions { get; init; }

    [JsonPropertyName("transcript_tokens")]
    public required long TranscriptTokens { get; init; }

    [JsonPropertyName("embedding_seconds")]
    public required double EmbeddingSeconds { get; init; }

    [JsonPropertyName("results")]
    public required IReadOnlyList<EvalResultJson> Results { get; init; }
}

internal sealed class EvalResultJson
{
    [JsonPropertyName("policy")]
    public required string Policy { get; init; }

    [JsonPropertyName("budget")]
    public required int Budget { get; init; }

    [JsonPropertyName("budget_percent")]
    public required double? BudgetPercent { get; init; }

    [JsonPropertyName("questions")]
    public required int Questions { get; init; }

    [JsonPropertyName("all_evidence_recall")]
    public required double AllEvidenceRecall { get; init; }

    [JsonPropertyName("evidence_recall")]
    public required double EvidenceRecall { get; init; }

    [JsonPropertyName("answer_recall")]
    public required double AnswerRecall { get; init; }

    [JsonPropertyName("mean_window_tokens")]
    public required double MeanWindowTokens { get; init; }

    [JsonPropertyName("mean_policy_ms")]
    public required double MeanPolicyMs { get; init; }

    [JsonPropertyName("failures")]
    public required int Failures { get; init; }

    [JsonPropertyName("fallbacks")]
    public required int Fallbacks { get; init; }
}
