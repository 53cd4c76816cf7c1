using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using FiniteMemory.Policies;

namespace FiniteMemory;

/// <summary>How a session, reducer or middleware bounds a conversation.</summary>
public sealed class MemoryOptions
{
    /// <summary>
    /// The largest <see cref="Budget"/> accepted: 100 million tokens, far above any model's context, and low enough
    /// that budget arithmetic (calibrated by up to <see cref="TokenCalibration.MaxRatio"/>, plus framing and tool
    /// schemas) cannot overflow.
    /// </summary>
    public const int MaxBudget = 100_000_000;

    /// <summary>Token budget for the whole request (window messages + <see cref="ReserveTokens"/> + framing + tool schemas). Required.</summary>
    public int Budget { get; set; }

    /// <summary>Tokens held back from <see cref="Budget"/> for the model's reply.</summary>
    public int ReserveTokens { get; set; }

    /// <summary>The policy that builds each window; <see cref="SlidingPolicy"/> by default.</summary>
    public IMemoryPolicy Policy { get; set; } = SlidingPolicy.Instance;

    /// <summary>The token counter; the shared o200k counter by default.</summary>
    public ITokenCounter? TokenCounter { get; set; }

    /// <summary>
    /// Embeds messages for semantic relevance and clustering (e.g. the offline MiniLM embedder in
    /// FiniteMemory.Onnx, or any provider's embeddings). Null: relevance is lexical (BM25) only.
    /// Embeddings are computed once per message and cached for the conversation.
    /// </summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; set; }

    /// <summary>Writes rolling summaries (e.g. an LLM through any chat client). Null: the extractive summarizer, which needs no model.</summary>
    public IConversationSummarizer? Summarizer { get; set; }

    /// <summary>A local model's importance signals (attention, logit probes). Null: the importance stage's heuristic alone.</summary>
    public IImportanceSource? Importance { get; set; }

    /// <summary>
    /// Wall-time limit for the policy. A policy still running at the deadline is abandoned (it also sees its
    /// cancellation token fire) and the window is built with the sliding policy instead; the report says so.
    /// Null: no limit.
    /// </summary>
    public TimeSpan? LatencyBudget { get; set; }

    /// <summary>Learn the provider/estimate token ratio from reported usage (see <see cref="TokenCalibration"/>). On by default.</summary>
    public bool CalibrateFromUsage { get; set; } = true;

    /// <summary>Observers of the memory's events.</summary>
    public IList<IMemoryHooks> Hooks { get; } = new List<IMemoryHooks>();

    /// <summary>Where hook failures and fallbacks are logged.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The clock for latency budgets and timings (tests substitute one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting and how to fix it.</summary>
    public void Validate()
    {
        if (Budget <= 0)
        {
            throw new ArgumentException($"The token budget must be positive, but MemoryOptions.Budget is {Budget}. Set it to the number of input tokens a request may use.", nameof(Budget));
        }

        if (Budget > MaxBudget)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"MemoryOptions.Budget is {Budget:N0} tokens, more than the largest accepted ({MaxBudget:N0}, MemoryOptions.MaxBudget). Set it to the number of input tokens a request may use."), nameof(Budget));
        }

        if (ReserveTokens < 0)
        {
            throw new ArgumentException($"MemoryOptions.ReserveTokens must not be negative (it is {ReserveTokens}).", nameof(ReserveTokens));
        }

        if (ReserveTokens >= Budget)
        {
            throw new ArgumentException($"MemoryOptions.ReserveTokens ({ReserveTokens}) must be smaller than the budget ({Budget}); nothing would be left for messages.", nameof(ReserveTokens));
        }

        if (Policy is null)
        {
            throw new ArgumentException("MemoryOptions.Policy must be set.", nameof(Policy));
        }

        if (LatencyBudget is { } latency && latency <= TimeSpan.Zero)
        {
            throw new ArgumentException($"MemoryOptions.LatencyBudget must be positive (it is {latency}); use null for no limit.", nameof(LatencyBudget));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("MemoryOptions.TimeProvider must be set.", nameof(TimeProvider));
        }
    }

    /// <summary>A copy, so that later changes to this instance do not affect a session already using it.</summary>
    public MemoryOptions Clone()
    {
        var copy = new MemoryOptions
        {
            Budget = Budget,
            ReserveTokens = ReserveTokens,
            Policy = Policy,
            TokenCounter = TokenCounter,
            Embedder = Embedder,
            Summarizer = Summarizer,
            Importance = Importance,
            LatencyBudget = LatencyBudget,
            CalibrateFromUsage = CalibrateFromUsage,
            Logger = Logger,
            TimeProvider = TimeProvider,
        };
        foreach (var hook in Hooks)
        {
            copy.Hooks.Add(hook);
        }

        return copy;
    }
}
