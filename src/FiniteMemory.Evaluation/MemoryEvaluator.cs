using Microsoft.Extensions.AI;
using FiniteMemory.Policies;

namespace FiniteMemory.Evaluation;

/// <summary>
/// Measures how much of what questions need a memory policy keeps under a budget: for every question of a
/// dataset, the conversation's turns are the transcript and the question is the new user message; the policy
/// builds the window, and the window is scored against the question's evidence turns and answer.
/// </summary>
/// <remarks>
/// Each (conversation, policy, budget) gets its own <see cref="Transcript"/>, engine and policy instance, so state a
/// policy keeps for a conversation (a running summary sized by the budget, clusters, indexes) never leaks between
/// them; token counts are computed once per conversation and embeddings once per text (a per-conversation memo in
/// front of the embedder). Each question is appended, its window built and the question removed again, so a
/// policy's per-message work is done once per conversation, not once per question. Conversations are evaluated in parallel and their
/// numbers summed in dataset order, so results do not depend on the parallelism (timings aside).
/// </remarks>
public static class MemoryEvaluator
{
    /// <summary>Evaluates every policy of <paramref name="options"/> at every budget on <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentException">No policy or budget was given, a policy name is unknown (the message lists the known ones), or the dataset is invalid.</exception>
    public static async Task<EvaluationReport> EvaluateAsync(EvaluationDataset dataset, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        var combinations = Combinations(options);
        try
        {
            EvaluationDatasetValidator.Validate(dataset);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"The dataset is invalid: {ex.Message}", nameof(dataset), ex);
        }

        var counter = options.TokenCounter ?? TokenCounter.Default;
        await WarmUpAsync(options, counter, cancellationToken).ConfigureAwait(false);
        var conversations = dataset.Conversations;
        var tallies = new Tally[conversations.Count][];
        var transcriptTokens = new long[conversations.Count];
        var embeddingTicks = 0L;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, conversations.Count), parallel, async (c, ct) =>
        {
            var evaluation = new ConversationEvaluation(conversations[c], counter);
            transcriptTokens[c] = evaluation.TranscriptTokens;
            using var memo = options.Embedder is null ? null : new EmbeddingMemo(options.Embedder);
            if (memo is not null)
            {
                Interlocked.Add(ref embeddingTicks, (await evaluation.EmbedTurnsAsync(memo, ct).ConfigureAwait(false)).Ticks);
            }

            tallies[c] = await evaluation.RunAsync(combinations, memo, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var results = new EvaluationResult[combinations.Length];
        for (var k = 0; k < combinations.Length; k++)
        {
            var total = new Tally();
            for (var c = 0; c < conversations.Count; c++)
            {
                total.Add(tallies[c][k]);
            }

            results[k] = total.ToResult(combinations[k], conversations.Count);
        }

        return new EvaluationReport(results, conversations.Count, dataset.TurnCount, dataset.QuestionCount, transcriptTokens.Sum(), counter.Name)
        {
            EmbeddingTime = TimeSpan.FromTicks(embeddingTicks),
        };
    }

    // One untimed build per policy, so that the first conversation's timings do not include loading and JIT
    // compilation of the policy's code (or the counter's vocabulary).
    private static async Task WarmUpAsync(EvaluationOptions options, ITokenCounter counter, CancellationToken cancellationToken)
    {
        foreach (var policy in options.Policies.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var transcript = new Transcript(counter);
            transcript.Add(new ChatMessage(ChatRole.User, "Warming up: the first message of a conversation."));
            transcript.Add(new ChatMessage(ChatRole.Assistant, "Warming up: an answer to it."));
            transcript.Add(new ChatMessage(ChatRole.User, "Warming up: a question about the first message?"));
            var engine = new MemoryEngine(new MemoryOptions { Budget = 100_000, Policy = MemoryPolicies.Create(policy), TokenCounter = counter, Embedder = options.Embedder });
            await engine.BuildAsync(transcript, toolTokens: 0, WindowHistory.None, cancellationToken).ConfigureAwait(false);
        }
    }

    private static (string Policy, EvaluationBudget Budget)[] Combinations(EvaluationOptions options)
    {
        if (options.Policies is not { Count: > 0 } policies)
        {
            throw new ArgumentException($"EvaluationOptions.Policies is empty; name at least one policy. Known policies: {string.Join(", ", MemoryPolicies.Names)}.", nameof(options));
        }

        if (options.Budgets is not { Count: > 0 } budgets)
        {
            throw new ArgumentException("EvaluationOptions.Budgets is empty; give at least one budget (tokens, or a percentage of each conversation).", nameof(options));
        }

        foreach (var policy in policies)
        {
            if (!MemoryPolicies.TryGet(policy, out _))
            {
                throw new ArgumentException(MemoryPolicies.UnknownMessage(policy), nameof(options));
            }
        }

        foreach (var budget in budgets)
        {
            if (budget.Tokens is null && budget.Percent is null)
            {
                throw new ArgumentException("A budget is the default EvaluationBudget, which has neither tokens nor a percentage; create budgets with OfTokens, OfPercent or Parse.", nameof(options));
            }
        }

        return [.. policies.SelectMany(p => budgets.Select(b => (p, b)))];
    }

    /// <summary>One conversation's transcript and what every question needs, prepared once.</summary>
    private sealed class ConversationEvaluation
    {
        private readonly EvaluationConversation _conversation;
        private readonly ITokenCounter _counter;
        private readonly ChatMessage[] _messages;
        private readonly int[] _tokens;
        private Transcript _transcript;
        private readonly int[][] _evidence;
        private readonly List<string>[] _answerWords;
        private readonly string[] _questionIds;
        private readonly HashSet<string>?[] _turnWords;

        public ConversationEvaluation(EvaluationConversation conversation, ITokenCounter counter)
        {
            _conversation = conversation;
            _counter = counter;
            _transcript = new Transcript(counter);
            _transcript.AddRange(conversation.Turns.Select(static t => new ChatMessage(t.IsUser ? ChatRole.User : ChatRole.Assistant, t.Text)
            {
                AuthorName = AuthorNames.Sanitize(t.Speaker),
                MessageId = t.Id,
            }));
            _messages = [.. _transcript.Select(static e => e.Message)];
            _tokens = [.. _transcript.Select(static e => e.Tokens)];
            TranscriptTokens = _transcript.TotalTokens;
            _turnWords = new HashSet<string>?[_transcript.Count];

            var questions = conversation.Questions;
            _evidence = new int[questions.Count][];
            _answerWords = new List<string>[questions.Count];
            _questionIds = new string[questions.Count];
            for (var q = 0; q < questions.Count; q++)
            {
                // Validation guarantees every evidence id names a turn; ids repeated in one list count once.
                _evidence[q] = [.. questions[q].Evidence.Select(id => _transcript.Find(id)!.Index).Distinct().Order()];
                _answerWords[q] = ContentWords.OfAnswer(questions[q].Answer);
                var id = "q:" + questions[q].Id;
                while (_transcript.Find(id) is not null)
                {
                    id += "'";
                }

                _questionIds[q] = id;
            }
        }

        public long TranscriptTokens { get; }

        public async Task<Tally[]> RunAsync((string Policy, EvaluationBudget Budget)[] combinations, IEmbeddingGenerator<string, Embedding<float>>? embedder, CancellationToken cancellationToken)
        {
            var tallies = new Tally[combinations.Length];
            for (var k = 0; k < combinations.Length; k++)
            {
                var (policy, budget) = combinations[k];
                var tokens = budget.TokensFor(TranscriptTokens);
                _transcript = FreshTranscript();
                var engine = new MemoryEngine(new MemoryOptions
                {
                    Budget = tokens,
                    Policy = MemoryPolicies.Create(policy),
                    TokenCounter = _counter,
                    Embedder = embedder,
                });
                var tally = new Tally { BudgetTokens = tokens };
                for (var q = 0; q < _conversation.Questions.Count; q++)
                {
                    await AskAsync(engine, q, tally, cancellationToken).ConfigureAwait(false);
                }

                tallies[k] = tally;
            }

            return tallies;
        }

        private async Task AskAsync(MemoryEngine engine, int q, Tally tally, CancellationToken cancellationToken)
        {
            var mark = _transcript.Count;
            var question = _transcript.Add(new ChatMessage(ChatRole.User, _conversation.Questions[q].Question), id: _questionIds[q]);
            ContextWindow window;
            try
            {
                window = await engine.BuildAsync(_transcript, toolTokens: 0, WindowHistory.None, cancellationToken).ConfigureAwait(false);
            }
            catch (MemoryBudgetException)
            {
                tally.Questions++;
                tally.Failures++;
                return;
            }
            finally
            {
                _transcript.TruncateTo(mark);
            }

            var evidence = _evidence[q];
            var score = WindowScore.Of(window.Messages, question.Index, evidence, _answerWords[q], WordsOfTurn);
            tally.Questions++;
            tally.AllEvidence += score.EvidenceKept == evidence.Length ? 1 : 0;
            tally.EvidenceShare += (double)score.EvidenceKept / evidence.Length;
            tally.Answers += score.AnswerFound ? 1 : 0;
            tally.Built++;
            tally.WindowTokens += window.Tokens;
            tally.PolicyMs += window.Stats.PolicyLatency.TotalMilliseconds;
            tally.Fallbacks += window.Report.Fallback is null ? 0 : 1;
        }

        // Embeds every turn's passages the way the relevance stage asks for them, so windows are timed with warm caches.
        public async Task<TimeSpan> EmbedTurnsAsync(EmbeddingMemo embedder, CancellationToken cancellationToken)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var passages = _messages.SelectMany(static m => EmbeddingIndex.Passages(MessageText.Of(m))).ToList();
            await embedder.GenerateAsync(passages, cancellationToken: cancellationToken).ConfigureAwait(false);
            return System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }

        // The conversation's turns again, with the token counts already known (same ids, so same indices).
        private Transcript FreshTranscript()
        {
            var transcript = new Transcript(_counter);
            for (var i = 0; i < _messages.Length; i++)
            {
                transcript.Add(_messages[i], pinned: false, id: null, _tokens[i]);
            }

            return transcript;
        }

        private HashSet<string> WordsOfTurn(int index)
        {
            if (_turnWords[index] is not { } words)
            {
                words = new HashSet<string>(StringComparer.Ordinal);
                ContentWords.AddWords(_conversation.Turns[index].Text, words);
                _turnWords[index] = words;
            }

            return words;
        }
    }

    /// <summary>Counts for one (policy, budget) over some questions; summed in a fixed order so results are reproducible.</summary>
    private sealed class Tally
    {
        public long BudgetTokens { get; set; }

        public int Questions { get; set; }

        public int AllEvidence { get; set; }

        public double EvidenceShare { get; set; }

        public int Answers { get; set; }

        public int Built { get; set; }

        public long WindowTokens { get; set; }

        public double PolicyMs { get; set; }

        public int Failures { get; set; }

        public int Fallbacks { get; set; }

        public void Add(Tally other)
        {
            BudgetTokens += other.BudgetTokens;
            Questions += other.Questions;
            AllEvidence += other.AllEvidence;
            EvidenceShare += other.EvidenceShare;
            Answers += other.Answers;
            Built += other.Built;
            WindowTokens += other.WindowTokens;
            PolicyMs += other.PolicyMs;
            Failures += other.Failures;
            Fallbacks += other.Fallbacks;
        }

        public EvaluationResult ToResult((string Policy, EvaluationBudget Budget) combination, int conversations) => new()
        {
            Policy = combination.Policy,
            Requested = combination.Budget,
            Budget = (int)Math.Round((double)BudgetTokens / conversations, MidpointRounding.AwayFromZero),
            Questions = Questions,
            AllEvidenceRecall = Share(AllEvidence, Questions),
            EvidenceRecall = Questions == 0 ? 0 : EvidenceShare / Questions,
            AnswerRecall = Share(Answers, Questions),
            MeanWindowTokens = Built == 0 ? 0 : (double)WindowTokens / Built,
            MeanPolicyMs = Built == 0 ? 0 : PolicyMs / Built,
            Failures = Failures,
            Fallbacks = Fallbacks,
        };

        private static double Share(int count, int of) => of == 0 ? 0 : (double)count / of;
    }
}
