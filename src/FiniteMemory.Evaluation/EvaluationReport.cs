namespace FiniteMemory.Evaluation;

/// <summary>What <see cref="MemoryEvaluator"/> measured on a dataset.</summary>
public sealed class EvaluationReport
{
    internal EvaluationReport(IReadOnlyList<EvaluationResult> results, int conversations, int turns, int questions, long transcriptTokens, string tokenizer)
    {
        Results = results;
        Conversations = conversations;
        Turns = turns;
        Questions = questions;
        TranscriptTokens = transcriptTokens;
        Tokenizer = tokenizer;
    }

    /// <summary>One result per (policy, budget): policies in the order requested, each with its budgets in the order requested.</summary>
    public IReadOnlyList<EvaluationResult> Results { get; }

    /// <summary>Number of conversations.</summary>
    public int Conversations { get; }

    /// <summary>Number of turns over all conversations.</summary>
    public int Turns { get; }

    /// <summary>Number of questions over all conversations.</summary>
    public int Questions { get; }

    /// <summary>Tokens of every conversation's turns, summed.</summary>
    public long TranscriptTokens { get; }

    /// <summary>The token counter's name.</summary>
    public string Tokenizer { get; }

    /// <summary>
    /// Time spent embedding the conversations' turns before any window was timed, summed over conversations (which
    /// run in parallel, so it can exceed the wall time); zero without an embedder.
    /// Policy times then show a turn's cost with warm caches: only the new question is embedded while timed.
    /// </summary>
    public TimeSpan EmbeddingTime { get; init; }
}
