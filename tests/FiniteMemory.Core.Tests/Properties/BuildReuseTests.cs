using System.Collections.ObjectModel;
using CsCheck;
using Microsoft.Extensions.AI;
using FiniteMemory.Stages;
using FiniteMemory.Tests.Policies;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Properties;

/// <summary>
/// Per-turn builds reuse what the previous turn left behind (the transcript's kept-group marks, the reducer's
/// remembered conversation). Whatever the earlier turns kept, a build must come out exactly as a fresh one.
/// </summary>
public class BuildReuseTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    [Test]
    public async Task ALongLivedSessionBuildsTheSameWindowsAsAFreshOneEveryTurn()
    {
        var compared = 0;
        Gen.Select(Gen.Int, Gen.Int[150, 2500]).Sample((seed, budget) =>
        {
            var random = new Random(seed);
            var messages = RandomConversation.Create(seed, 20, hugeChance: 0.02);
            var options = new MemoryOptions { Budget = budget, TokenCounter = Counter };
            var session = new MemorySession(options);
            var pins = new HashSet<int>();
            for (var i = 0; i < messages.Count; i++)
            {
                session.Add(messages[i].Message, messages[i].Pinned);
                if (messages[i].Pinned)
                {
                    pins.Add(i);
                }

                // Pins come and go between turns, so a group kept last turn may not be this turn.
                if (random.Next(6) == 0)
                {
                    var at = random.Next(i + 1);
                    var entry = session.Transcript[at];
                    if (entry.Pinned)
                    {
                        session.Unpin(entry.Id);
                        pins.Remove(at);
                    }
                    else
                    {
                        session.Pin(entry.Id);
                        pins.Add(at);
                    }
                }

                var reused = Build(session);
                var fresh = new MemorySession(options);
                for (var j = 0; j <= i; j++)
                {
                    fresh.Add(messages[j].Message, pins.Contains(j));
                }

                var expected = Build(fresh);
                if (reused != expected)
                {
                    throw new InvalidOperationException($"Message {i}: reused {reused} vs fresh {expected}.");
                }

                compared++;
            }
        }, iter: 150, threads: 1);

        await Assert.That(compared).IsGreaterThan(2000);
    }

    [Test]
    public async Task AFrameStillKnowsWhatItKeptAfterTheNextFrameReusesItsMarks()
    {
        var transcript = Transcript.From([Chat.User("one"), Chat.Assistant("two"), Chat.User("three"), Chat.Assistant("four")], Counter);
        var first = new MemoryFrame(transcript, "test", 1000, 0, 1.0);
        first.TryKeep(0, KeepReason.Recent);
        first.TryKeep(2, KeepReason.Recent);
        first.ReturnMarks();

        var second = new MemoryFrame(transcript, "test", 1000, 0, 1.0);
        second.TryKeep(1, KeepReason.Recent);

        await Assert.That(new[] { first.IsKept(0), first.IsKept(1), first.IsKept(2), first.IsKept(3) }).IsEquivalentTo(new[] { true, false, true, false });
        await Assert.That(new[] { second.IsKept(0), second.IsKept(1), second.IsKept(2), second.IsKept(3) }).IsEquivalentTo(new[] { false, true, false, false });
        await Assert.That(() => first.TryKeep(3, KeepReason.Recent)).Throws<InvalidOperationException>();
    }

    [Test]
    public async Task TheWindowOrderSortAgreesWithAGeneralSort()
    {
        // Distinct keys in the shapes windows produce (ascending runs, descending runs, a few out of place) and at random.
        var sorted = 0;
        Gen.Select(Gen.Int[0, 3], Gen.Int.Array[0, 300]).Sample((shape, seeds) =>
        {
            var keys = seeds.Select((s, i) => shape switch
            {
                0 => (long)i * 7,
                1 => (long)(seeds.Length - i) * 7,
                2 => (i % 10 < 5 ? i : seeds.Length * 2 - i) * 7L,
                _ => ((long)s << 20) | (uint)i,
            }).Distinct().ToArray();
            var expected = keys.Order().ToArray();
            OrderStage.SortNearlySorted(keys);
            if (!keys.SequenceEqual(expected))
            {
                throw new InvalidOperationException($"Shape {shape}: [{string.Join(",", keys)}]");
            }

            sorted++;
        }, iter: 2000, threads: 1);

        await Assert.That(sorted).IsEqualTo(2000);
    }

    [Test]
    public async Task AToolResultEditedInPlaceIsRecountedWhateverListCarriesTheHistory()
    {
        foreach (var wrap in new Func<List<ChatMessage>, IReadOnlyList<ChatMessage>>[] { l => l, l => [.. l], l => new ReadOnlyCollection<ChatMessage>(l) })
        {
            var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 300, TokenCounter = Counter });
            var result = new FunctionResultContent("c1", "sunny");
            var history = new List<ChatMessage>
            {
                Chat.User("weather?"),
                new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather")]),
                new(ChatRole.Tool, [result]),
                Chat.Assistant("It is sunny."),
                Chat.User("and tomorrow?"),
            };
            var before = await reducer.ReduceToWindowAsync(wrap(history), null, CancellationToken.None);
            await Assert.That(before.Messages.Select(m => m.Message)).Contains(history[2]);

            // The old result grows far past the budget inside the same instances.
            result.Result = string.Join(" ", Enumerable.Repeat("rain and wind", 200));
            var after = await reducer.ReduceToWindowAsync(wrap(history), null, CancellationToken.None);

            await Assert.That(after.Tokens).IsEqualTo(after.Messages.Sum(m => Counter.CountMessage(m.Message)));
            await Assert.That(after.Tokens).IsLessThanOrEqualTo(300);
            await Assert.That(after.Messages.Select(m => m.Message)).DoesNotContain(history[2]);
        }
    }

    private static string Build(MemorySession session)
    {
        try
        {
            var window = session.PrepareAsync().GetAwaiter().GetResult();
            return $"[{string.Join(",", window.Report.Kept)}] {window.Tokens} tokens, evicted [{string.Join(",", window.Report.Evicted)}]";
        }
        catch (MemoryBudgetException e)
        {
            return e.GetType().Name;
        }
    }
}
