using CsCheck;
using Microsoft.Extensions.AI;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Properties;

/// <summary>
/// The invariants every window must satisfy, checked on thousands of generated conversations: budget,
/// system and pinned messages, tool-call groups, chronological order, the newest user message, and for the
/// sliding policy no holes and no wasted room.
/// </summary>
public class SlidingInvariantTests
{
    private static readonly ITokenCounter Counter = TokenCounter.Default;

    private static readonly Gen<(int Seed, int Turns, int Budget, int ReservePercent)> Cases = SessionWindowRuns.Cases;

    [Test]
    public async Task EverySessionWindowHoldsTheInvariants()
    {
        var (windows, _) = SessionWindowRuns.Check(Counter, policy: null, sliding: true, iterations: 1500);

        // Most generated cases must produce a window; a generator that only produced failures would prove nothing.
        await Assert.That(windows).IsGreaterThan(1000);
    }

    [Test]
    public async Task EveryReducerWindowHoldsTheInvariants()
    {
        var checkedWindows = 0;
        Cases.Sample(c =>
        {
            var messages = RandomConversation.Create(c.Seed, c.Turns);
            var reserve = c.Budget * c.ReservePercent / 100;
            var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = c.Budget, ReserveTokens = reserve, TokenCounter = Counter });

            // The reducer sees pins as marks on the messages themselves.
            var input = messages.Select(m => m.Pinned ? Copy(m.Message).Pin() : m.Message).ToList();
            var expectation = new WindowInvariants.Expectation(
                [.. input.Select((m, i) => new GeneratedMessage(m, messages[i].Pinned))], c.Budget, reserve, Counter, Sliding: true);
            try
            {
                var window = reducer.ReduceToWindowAsync(input, null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                WindowInvariants.Check(expectation, window);
                Interlocked.Increment(ref checkedWindows);
            }
            catch (MemoryBudgetException failure)
            {
                WindowInvariants.CheckFailure(expectation, failure);
            }
        }, iter: 1500, threads: 1);

        await Assert.That(checkedWindows).IsGreaterThan(1000);
    }

    [Test]
    public async Task AWindowBuiltAfterEveryUserMessageOfAGrowingConversationHoldsTheInvariants()
    {
        var windows = 0;
        Gen.Select(Gen.Int, Gen.Int[200, 3000]).Sample((seed, budget) =>
        {
            var messages = RandomConversation.Create(seed, 25, hugeChance: 0.02);
            var session = new MemorySession(new MemoryOptions { Budget = budget, TokenCounter = Counter });
            for (var i = 0; i < messages.Count; i++)
            {
                session.Add(messages[i].Message, messages[i].Pinned);
                if (messages[i].Message.Role != ChatRole.User)
                {
                    continue;
                }

                var expectation = new WindowInvariants.Expectation(messages.Take(i + 1).ToList(), budget, 0, Counter, Sliding: true);
                try
                {
                    WindowInvariants.Check(expectation, session.PrepareAsync().GetAwaiter().GetResult());
                    windows++;
                }
                catch (MemoryBudgetException failure)
                {
                    WindowInvariants.CheckFailure(expectation, failure);
                }
            }
        }, iter: 150, threads: 1);

        await Assert.That(windows).IsGreaterThan(1500);
    }

    [Test]
    public async Task UndoingTheNewestMessagesLeavesTheTranscriptAsIfTheyHadNeverBeenAdded()
    {
        Gen.Select(Gen.Int, Gen.Int[1, 30], Gen.Double[0, 1]).Sample((seed, turns, cut) =>
        {
            var messages = RandomConversation.Create(seed, turns, hugeChance: 0);
            var keep = (int)(cut * messages.Count);
            var undone = new Transcript(Counter);
            foreach (var m in messages)
            {
                undone.Add(m.Message, m.Pinned);
            }

            undone.TruncateTo(keep);
            var fresh = new Transcript(Counter);
            foreach (var m in messages.Take(keep))
            {
                fresh.Add(m.Message, m.Pinned);
            }

            // Adding the rest again must give the same ids and groups as the first time.
            foreach (var m in messages.Skip(keep))
            {
                undone.Add(m.Message, m.Pinned);
                fresh.Add(m.Message, m.Pinned);
            }

            AssertSame(fresh, undone);
        }, iter: 500, threads: 1);

        await Task.CompletedTask;
    }

    private static void AssertSame(Transcript expected, Transcript actual)
    {
        var same = expected.Count == actual.Count
            && expected.Turn == actual.Turn
            && expected.LastUserIndex == actual.LastUserIndex
            && expected.TotalTokens == actual.TotalTokens
            && expected.MandatoryGroups.SequenceEqual(actual.MandatoryGroups)
            && expected.Groups.Count == actual.Groups.Count
            && expected.Zip(actual).All(p => p.First.Id == p.Second.Id && p.First.Turn == p.Second.Turn && p.First.Group == p.Second.Group
                && p.First.Tokens == p.Second.Tokens && p.First.Pinned == p.Second.Pinned)
            && expected.Groups.Zip(actual.Groups).All(p => p.First.Members.SequenceEqual(p.Second.Members) && p.First.Tokens == p.Second.Tokens
                && p.First.IsMandatory == p.Second.IsMandatory);
        if (!same)
        {
            throw new InvalidOperationException("The transcript after undo differs from one that never had the undone messages.");
        }
    }

    private static ChatMessage Copy(ChatMessage m) => new(m.Role, m.Contents) { AuthorName = m.AuthorName };
}
