using Microsoft.Extensions.AI;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Support;

/// <summary>
/// Checks the window invariants independently of the engine: it recounts every token itself and pairs
/// tool calls with results by call id rather than trusting the transcript's groups.
/// </summary>
public static class WindowInvariants
{
    /// <summary>The smallest room (after mandatory messages) in which a newest user message must still fit truncated.</summary>
    public const int TruncationFloor = 40;

    public sealed record Expectation(IReadOnlyList<GeneratedMessage> Messages, int Budget, int Reserve, ITokenCounter Counter, bool Sliding);

    /// <summary>Throws if building must have succeeded but did not, or if it failed for a reason the inputs do not explain.</summary>
    public static void CheckFailure(Expectation e, MemoryBudgetException failure)
    {
        var model = new Model(e);
        if (model.MandatoryCost > model.Available)
        {
            return;
        }

        var room = model.Available - model.MandatoryCost;
        if (room < TruncationFloor)
        {
            return;
        }

        throw new InvalidOperationException(
            $"Build failed although mandatory messages take {model.MandatoryCost} of {model.Available} tokens, leaving {room}: {failure.Message}");
    }

    /// <summary>Throws an exception describing the first violated invariant.</summary>
    public static void Check(Expectation e, ContextWindow window)
    {
        var model = new Model(e);
        if (model.MandatoryCost > model.Available)
        {
            Fail($"the build should have failed: mandatory messages need {model.MandatoryCost} > {model.Available}");
        }

        // 1. Budget, recounted independently.
        var recount = 0;
        foreach (var m in window.Messages)
        {
            var own = e.Counter.CountMessage(m.Message);
            if (own != m.Tokens)
            {
                Fail($"message {m.Id} reports {m.Tokens} tokens but counts {own}");
            }

            recount += own;
        }

        if (recount != window.Tokens)
        {
            Fail($"window reports {window.Tokens} tokens but its messages count {recount}");
        }

        if (window.Available != model.Available)
        {
            Fail($"window says {window.Available} tokens were available, expected {model.Available}");
        }

        if (recount > model.Available || recount + e.Reserve + e.Counter.RequestOverhead > e.Budget)
        {
            Fail($"window of {recount} tokens exceeds the {model.Available} available (budget {e.Budget}, reserve {e.Reserve})");
        }

        // 2. Chronological, each message once, originals unless truncated; a summary right after the leading system messages.
        CheckSummary(e, model, window);
        var inWindow = new HashSet<int>();
        var previous = -1;
        foreach (var m in window.Messages)
        {
            if (m.Index < 0)
            {
                continue;
            }

            if (m.Index <= previous)
            {
                Fail($"window is not chronological at {m.Id}");
            }

            previous = m.Index;
            inWindow.Add(m.Index);
            var original = e.Messages[m.Index].Message;
            if (m.Truncated)
            {
                if (m.Message.Role != original.Role || !ContainsMarker(m.Message))
                {
                    Fail($"truncated copy of {m.Id} lost its role or has no marker");
                }
            }
            else if (!ReferenceEquals(m.Message, original))
            {
                Fail($"window message {m.Id} is not the transcript's message");
            }
        }

        // 3. System and pinned messages, whole.
        foreach (var index in model.MandatoryIndices)
        {
            if (!inWindow.Contains(index))
            {
                Fail($"mandatory message #{index} ({e.Messages[index].Message.Role}) is missing");
            }

            if (window.Messages.First(m => m.Index == index).Truncated)
            {
                Fail($"mandatory message #{index} was truncated");
            }
        }

        // 4. Tool calls and their results together.
        foreach (var group in model.Groups)
        {
            var kept = group.Count(inWindow.Contains);
            if (kept != 0 && kept != group.Count)
            {
                Fail($"group [{string.Join(",", group)}] is split: {kept} of {group.Count} kept");
            }
        }

        // 5. The newest user message, truncated only when it could not fit whole.
        if (model.Query >= 0)
        {
            if (!window.Messages.Any(m => m.Index == model.Query))
            {
                Fail($"the newest user message #{model.Query} is missing");
            }

            var query = window.Messages.First(m => m.Index == model.Query);
            if (query.Truncated)
            {
                var othersTokens = window.Tokens - query.Tokens;
                var full = e.Counter.CountMessage(e.Messages[model.Query].Message);
                if (full <= model.Available - othersTokens)
                {
                    Fail($"the newest user message was truncated although its {full} tokens fit in {model.Available - othersTokens}");
                }
            }
        }

        if (e.Sliding)
        {
            CheckSliding(e, model, inWindow, window);
        }
    }

    // A summary is one system message standing for older, evicted, non-mandatory messages, placed after the leading system messages.
    private static void CheckSummary(Expectation e, Model model, ContextWindow window)
    {
        var summaries = window.Messages.Where(m => m.Index < 0).ToList();
        if (summaries.Count == 0)
        {
            if (window.Report.Summarized.Count != 0)
            {
                Fail("the report lists summarized messages but the window has no summary");
            }

            return;
        }

        if (summaries.Count > 1)
        {
            Fail($"the window has {summaries.Count} summaries");
        }

        var summary = summaries[0];
        if (summary.Id != FrameSummary.Id || summary.Reason != KeepReason.Summary || summary.Message.Role != ChatRole.System || string.IsNullOrWhiteSpace(summary.Message.Text))
        {
            Fail($"the summary {summary.Id} is not a non-empty system message with reason Summary");
        }

        var position = window.Messages.ToList().FindIndex(m => m.Index < 0);
        var leadingSystem = window.Messages.TakeWhile(m => m.Index >= 0 && m.Message.Role == ChatRole.System).Count();
        if (position != leadingSystem)
        {
            Fail($"the summary is at position {position}, not right after the {leadingSystem} leading system messages");
        }

        if (window.Report.Summarized.Count == 0)
        {
            Fail("the window has a summary but the report lists no summarized messages");
        }

        // What a summary stands for is older conversation: never a system or pinned message, nor the one being answered.
        var protectedIds = window.Messages.Where(m => m.Index >= 0 && (model.MandatoryIndices.Contains(m.Index) || m.Index == model.Query)).Select(m => m.Id).ToHashSet();
        if (window.Report.Summarized.Distinct().Count() != window.Report.Summarized.Count || window.Report.Summarized.Count > e.Messages.Count)
        {
            Fail("the summarized ids repeat or outnumber the transcript");
        }

        if (window.Report.Summarized.FirstOrDefault(protectedIds.Contains) is { } wrong)
        {
            Fail($"the summary covers {wrong}, a system, pinned or newest user message");
        }
    }

    // A sliding window has no holes: the kept optional groups are the newest ones, and the next older group did not fit.
    private static void CheckSliding(Expectation e, Model model, HashSet<int> inWindow, ContextWindow window)
    {
        var optional = model.Groups.Where(g => !g.Any(model.MandatoryIndices.Contains) && !g.Contains(model.Query)).ToList();
        var seenEvicted = false;
        List<int>? newestEvicted = null;
        for (var i = optional.Count - 1; i >= 0; i--)
        {
            var kept = inWindow.Contains(optional[i][0]);
            if (!kept)
            {
                newestEvicted ??= optional[i];
                seenEvicted = true;
            }
            else if (seenEvicted)
            {
                Fail($"sliding window has a hole: group starting at #{optional[i][0]} kept after an evicted newer group");
            }
        }

        if (newestEvicted is not null && newestEvicted[0] < model.Query)
        {
            var cost = newestEvicted.Sum(i => e.Counter.CountMessage(e.Messages[i].Message));
            var remaining = model.Available - window.Tokens;
            if (cost <= remaining)
            {
                Fail($"sliding stopped at group #{newestEvicted[0]} ({cost} tokens) although {remaining} tokens remained");
            }
        }
    }

    private static bool ContainsMarker(ChatMessage message) =>
        message.Contents.Any(c => c switch
        {
            TextContent t => t.Text.Contains(TextTruncator.MarkerTag, StringComparison.Ordinal),
            FunctionResultContent r => r.Result is string s && s.Contains(TextTruncator.MarkerTag, StringComparison.Ordinal),
            _ => false,
        });

    private static void Fail(string problem) => throw new InvalidOperationException("Invariant violated: " + problem);

    /// <summary>What the inputs say, computed without FiniteMemory's own grouping.</summary>
    private sealed class Model
    {
        public Model(Expectation e)
        {
            Available = e.Budget - e.Reserve - e.Counter.RequestOverhead;
            var groupOf = new int[e.Messages.Count];
            var callGroup = new Dictionary<string, int>();
            var groups = new List<List<int>>();
            for (var i = 0; i < e.Messages.Count; i++)
            {
                var message = e.Messages[i].Message;
                var answered = message.Contents.OfType<FunctionResultContent>().Select(r => r.CallId).FirstOrDefault(callGroup.ContainsKey);
                if (answered is not null)
                {
                    groupOf[i] = callGroup[answered];
                    groups[groupOf[i]].Add(i);
                }
                else
                {
                    groupOf[i] = groups.Count;
                    groups.Add([i]);
                }

                foreach (var call in message.Contents.OfType<FunctionCallContent>())
                {
                    callGroup[call.CallId] = groupOf[i];
                }

                if (message.Role == ChatRole.User)
                {
                    Query = i;
                }
            }

            Groups = groups;
            var mandatoryGroups = new HashSet<int>();
            for (var i = 0; i < e.Messages.Count; i++)
            {
                if (e.Messages[i].Pinned || e.Messages[i].Message.Role == ChatRole.System)
                {
                    mandatoryGroups.Add(groupOf[i]);
                }
            }

            MandatoryIndices = [.. mandatoryGroups.SelectMany(g => groups[g])];
            MandatoryCost = MandatoryIndices.Sum(i => e.Counter.CountMessage(e.Messages[i].Message));
        }

        public int Available { get; }

        public int Query { get; } = -1;

        public List<List<int>> Groups { get; }

        public HashSet<int> MandatoryIndices { get; }

        public int MandatoryCost { get; }
    }
}
