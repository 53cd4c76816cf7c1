using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// What the source generator costs per build: a policy declared with attributes (<see cref="GeneratedScoredPolicy"/>)
/// against a hand-written <see cref="IMemoryPolicy"/> that calls the same static stage methods with the same
/// arguments in the same order (<see cref="HandWiredScoredPolicy"/>, the baseline), on transcripts of 1,000 and
/// 10,000 messages. "Policy": the engine's frame set-up (a frame, the mandatory messages) and the policy, nothing
/// else. "Session turn": a whole <see cref="MemorySession.PrepareAsync"/> with each policy. Expected ratio: 1.00.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratedPolicyBenchmarks
{
    private const int Budget = 4_000;

    private readonly GeneratedScoredPolicy _generated = new();
    private readonly HandWiredScoredPolicy _handWired = new();
    private Transcript _transcript = null!;
    private int _reserved;
    private MemorySession _generatedSession = null!;
    private MemorySession _handWiredSession = null!;

    [Params(1_000, 10_000)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generatedSession = NewSession(_generated);
        _handWiredSession = NewSession(_handWired);
        _transcript = _generatedSession.Transcript;
        _reserved = _transcript.Counter.RequestOverhead;

        // Same stages, same arguments: the two must build the same window.
        var generated = _generatedSession.PrepareAsync().GetAwaiter().GetResult();
        var handWired = _handWiredSession.PrepareAsync().GetAwaiter().GetResult();
        if (!generated.Report.Kept.SequenceEqual(handWired.Report.Kept) || generated.Report.Fallback is not null || handWired.Report.Fallback is not null)
        {
            throw new InvalidOperationException("The generated and the hand-wired policy built different windows.");
        }
    }

    [Benchmark(Baseline = true, Description = "Hand-wired IMemoryPolicy")]
    [BenchmarkCategory("Policy")]
    public int HandWired() => Build(_handWired);

    [Benchmark(Description = "Generated [MemoryPolicy]")]
    [BenchmarkCategory("Policy")]
    public int Generated() => Build(_generated);

    [Benchmark(Baseline = true, Description = "Session turn, hand-wired")]
    [BenchmarkCategory("Session turn")]
    public async Task<int> HandWiredSession() => (await _handWiredSession.PrepareAsync()).Messages.Count;

    [Benchmark(Description = "Session turn, generated")]
    [BenchmarkCategory("Session turn")]
    public async Task<int> GeneratedSession() => (await _generatedSession.PrepareAsync()).Messages.Count;

    private MemorySession NewSession(IMemoryPolicy policy)
    {
        var session = new MemorySession(new MemoryOptions { Budget = Budget, Policy = policy });
        foreach (var m in BenchmarkData.Conversation(Messages))
        {
            session.Add(m.Message, m.Pinned, m.Id);
        }

        return session;
    }

    // What the engine does before and around a policy, minus ordering and reporting.
    private int Build(IMemoryPolicy policy)
    {
        var frame = new MemoryFrame(_transcript, policy.Name, Budget, _reserved, 1.0);
        PinStage.Run(frame);
        var pending = policy.BuildAsync(frame, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        return frame.Used;
    }
}

/// <summary>Four stages, one of them a [Stage] method; the generator writes the build method.</summary>
[MemoryPolicy("bench-generated", Description = "Benchmark: recent turns, older groups scored by age and tool use, selection, a truncated fill.")]
[KeepRecent(MaxTurns = 8, BudgetShare = 0.5)]
[Select]
[Truncate]
public sealed partial class GeneratedScoredPolicy
{
    /// <summary>Scores every group not kept yet: tool-call groups twice as much, both decaying with age.</summary>
    [Stage(After = "KeepRecent")]
    public static void ScoreOlder(MemoryFrame frame)
    {
        var groups = frame.Transcript.Groups;
        var scores = frame.Scores;
        for (var g = 0; g < frame.GroupCount; g++)
        {
            if (!frame.IsKept(g))
            {
                scores[g] = (groups[g].HasFunctionCalls ? 2f : 1f) / (frame.GroupCount - g);
            }
        }
    }
}

/// <summary>The baseline: exactly the calls the generator emits for <see cref="GeneratedScoredPolicy"/>, written by hand.</summary>
public sealed class HandWiredScoredPolicy : IMemoryPolicy
{
    public string Name => "bench-hand-wired";

    public string Description => "Benchmark: GeneratedScoredPolicy's stages called by hand.";

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        KeepRecentStage.Run(frame, maxTurns: 8, budgetShare: 0.5);
        cancellationToken.ThrowIfCancellationRequested();
        GeneratedScoredPolicy.ScoreOlder(frame);
        cancellationToken.ThrowIfCancellationRequested();
        SelectStage.Run(frame);
        cancellationToken.ThrowIfCancellationRequested();
        TruncateStage.FillRemaining(frame);
        return default;
    }
}
