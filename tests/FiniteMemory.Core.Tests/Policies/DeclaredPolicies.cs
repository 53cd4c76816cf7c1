using Microsoft.Extensions.AI;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Policies;

// Policies declared the way users declare them, compiled by the real generator as part of this assembly.

/// <summary>The opening turn and then the newest turns.</summary>
[MemoryPolicy("test-opening", Budget = 700, Description = "Opening turn, then the newest.")]
[Pin(FirstTurns = 1)]
[KeepRecent]
public sealed partial class OpeningPolicy
{
}

/// <summary>Only the last two user turns, however much room is left.</summary>
[MemoryPolicy("test-last-two")]
[KeepRecent(MaxTurns = 2)]
public sealed partial class LastTwoTurnsPolicy
{
}

/// <summary>
/// Every built-in stage plus two method stages, one of them asynchronous: recent turns up to half the budget,
/// then older messages that share words with the newest user message, then a shortened copy of what is next.
/// </summary>
[MemoryPolicy("test-everything")]
[Pin(FirstTurns = 1)]
[KeepRecent(MaxTurns = 3, BudgetShare = 0.5, Contiguous = false)]
[Select]
[Truncate(MinTokens = 16)]
public sealed partial class EverythingPolicy
{
    /// <summary>Stage names in the order they ran, for the ordering test.</summary>
    public List<string> Trace { get; } = [];

    [Stage(After = "KeepRecent")]
    private async ValueTask ScoreOverlap(MemoryFrame frame, CancellationToken cancellationToken)
    {
        Trace.Add(nameof(ScoreOverlap));
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        var query = frame.Query?.Message.Text ?? string.Empty;
        var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 3).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var g = 0; g < frame.GroupCount; g++)
        {
            if (frame.IsKept(g))
            {
                continue;
            }

            var group = frame.Transcript.GroupAt(g);
            var text = string.Join(" ", group.Members.Select(i => frame.Transcript[i].Message.Text));
            frame.Scores[g] = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(words.Contains);
        }
    }

    [Stage(Before = "Truncate")]
    private void BeforeTruncate(MemoryFrame frame) => Trace.Add(nameof(BeforeTruncate) + ":" + frame.Remaining);
}

/// <summary>A stage attribute of the tests' own, bound to a method that needs a service from the policy.</summary>
[StageImplementation(typeof(KeywordStage), nameof(KeywordStage.Run))]
public sealed class KeepKeywordAttribute(string keyword) : PolicyStageAttribute
{
    public string Keyword { get; } = keyword;

    public int Limit { get; set; } = int.MaxValue;
}

/// <summary>Records what a stage saw, provided to it as a service by the policy.</summary>
public sealed class StageLog
{
    public List<string> Lines { get; } = [];
}

public static class KeywordStage
{
    /// <summary>Keeps up to <paramref name="limit"/> of the newest groups whose text contains <paramref name="keyword"/>.</summary>
    public static void Run(MemoryFrame frame, string keyword, StageLog log, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var kept = 0;
        for (var g = frame.GroupCount - 1; g >= 0 && kept < limit; g--)
        {
            var group = frame.Transcript.GroupAt(g);
            if (!frame.IsKept(g) && group.Members.Any(i => frame.Transcript[i].Message.Text.Contains(keyword, StringComparison.OrdinalIgnoreCase))
                && frame.TryKeep(g, KeepReason.Selected))
            {
                kept++;
            }
        }

        log.Lines.Add($"{keyword}:{kept}");
    }
}

/// <summary>A policy using the custom stage; the log is the service its implementation needs.</summary>
[MemoryPolicy("test-keyword")]
[KeepKeyword("passport", Limit = 2)]
[KeepRecent(MaxTurns = 1)]
public sealed partial class KeywordPolicy
{
    private readonly StageLog _log = new();

    public StageLog Log => _log;
}

/// <summary>Two method stages; the first cancels the build's token, so the second must never run.</summary>
[MemoryPolicy("test-cancel")]
public sealed partial class CancellingPolicy : IDisposable
{
    public CancellationTokenSource Source { get; } = new();

    public List<string> Ran { get; } = [];

    [Stage]
    private void First(MemoryFrame frame)
    {
        Ran.Add(nameof(First));
        Source.Cancel();
    }

    [Stage]
    private void Second(MemoryFrame frame) => Ran.Add(nameof(Second));

    public void Dispose() => Source.Dispose();
}

/// <summary>A test helper: messages as chat messages.</summary>
internal static class Chat
{
    public static ChatMessage User(string text) => new(ChatRole.User, text);

    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);
}
