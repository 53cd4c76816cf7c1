using CsCheck;
using Microsoft.Extensions.AI;
using FiniteMemory.Tests.Support;

namespace FiniteMemory.Tests.Properties;

/// <summary>
/// The reducer remembers recent conversations to avoid re-reading them. Whatever happens to the history
/// between calls, a long-lived reducer must build exactly the window a fresh one builds.
/// </summary>
public class ReducerReuseTests
{
    [Test]
    public async Task ALongLivedReducerBuildsTheSameWindowsAsAFreshOneWhateverTheHistoryDoes()
    {
        var compared = 0;
        Gen.Select(Gen.Int, Gen.Int[100, 3000]).Sample((seed, budget) =>
        {
            var random = new Random(seed);
            var options = new MemoryOptions { Budget = budget };
            var reducer = new FiniteMemoryChatReducer(options);
            var source = RandomConversation.Create(seed, 30, hugeChance: 0.02).Select(m => m.Message).ToList();
            var other = RandomConversation.Create(seed + 1, 10, hugeChance: 0).Select(m => m.Message).ToList();
            var history = new List<ChatMessage>();
            var next = 0;

            for (var step = 0; step < 25; step++)
            {
                switch (random.Next(7))
                {
                    case 0 or 1 or 2: // the conversation grows
                        for (var n = random.Next(1, 5); n > 0 && next < source.Count; n--)
                        {
                            history.Add(source[next++]);
                        }

                        break;
                    case 3 when history.Count > 2: // the caller rewinds (e.g. regenerates an answer)
                        var keep = random.Next(1, history.Count);
                        history.RemoveRange(keep, history.Count - keep);
                        break;
                    case 4 when history.Count > 0: // an old message is replaced by an edited copy
                        var i = random.Next(history.Count);
                        history[i] = new ChatMessage(history[i].Role, [.. history[i].Contents]) { AuthorName = history[i].AuthorName, AdditionalProperties = history[i].AdditionalProperties };
                        break;
                    case 5 when history.Count > 0: // an old message is edited in place, or pinned late
                        var j = random.Next(history.Count);
                        if (random.Next(2) == 0 && history[j].Contents.OfType<TextContent>().FirstOrDefault() is { } text)
                        {
                            text.Text += " " + RandomConversation.Text(random, 50, 400);
                        }
                        else if (history[j].Role != ChatRole.Tool)
                        {
                            history[j].Pin();
                        }

                        break;
                    default: // another conversation goes through the same reducer in between
                        Reduce(reducer, other);
                        break;
                }

                if (history.Count == 0)
                {
                    continue;
                }

                var reused = Reduce(reducer, history);
                var fresh = Reduce(new FiniteMemoryChatReducer(options), history);
                if (reused.Failure != fresh.Failure || !reused.Kept.SequenceEqual(fresh.Kept) || reused.Tokens != fresh.Tokens)
                {
                    throw new InvalidOperationException(
                        $"Step {step}: reused [{string.Join(",", reused.Kept)}] {reused.Tokens} tokens ({reused.Failure}) vs fresh [{string.Join(",", fresh.Kept)}] {fresh.Tokens} tokens ({fresh.Failure}).");
                }

                compared++;
            }
        }, iter: 200, threads: 1);

        await Assert.That(compared).IsGreaterThan(3000);
    }

    [Test]
    public async Task AMessageEditedInPlaceIsRecountedSoTheWindowStaysWithinBudget()
    {
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 200 });
        var history = new List<ChatMessage>
        {
            new(ChatRole.User, "short question"),
            new(ChatRole.Assistant, "short answer"),
            new(ChatRole.User, "next question"),
        };
        await reducer.ReduceToWindowAsync(history, null, CancellationToken.None);

        // The old answer grows far past the budget inside the same instance.
        ((TextContent)history[1].Contents[0]).Text += " " + string.Join(" ", Enumerable.Repeat("more detail", 300));
        var window = await reducer.ReduceToWindowAsync(history, null, CancellationToken.None);

        await Assert.That(window.Tokens).IsEqualTo(window.Messages.Sum(m => TokenCounter.Default.CountMessage(m.Message)));
        await Assert.That(window.Tokens).IsLessThanOrEqualTo(200);
        await Assert.That(window.Messages.Select(m => m.Message)).DoesNotContain(history[1]);
    }

    [Test]
    public async Task AReportStaysTrueAfterTheReducerReusesItsConversation()
    {
        var reducer = new FiniteMemoryChatReducer(new MemoryOptions { Budget = 40 });
        var history = Enumerable.Range(1, 10).Select(i => new ChatMessage(i % 2 == 1 ? ChatRole.User : ChatRole.Assistant, $"message number {i}")).ToList();
        var first = await reducer.ReduceToWindowAsync(history, null, CancellationToken.None);

        // Rewind and diverge: the remembered transcript is cut back and extended with other messages.
        history.RemoveRange(3, 7);
        history.Add(new ChatMessage(ChatRole.User, "a different path"));
        await reducer.ReduceToWindowAsync(history, null, CancellationToken.None);

        await Assert.That(first.Report.Evicted.Count + first.Report.Kept.Count).IsEqualTo(10);
        await Assert.That(first.Report.Kept.Concat(first.Report.Evicted).Distinct().Count()).IsEqualTo(10);
    }

    private static (string[] Kept, int Tokens, string? Failure) Reduce(FiniteMemoryChatReducer reducer, List<ChatMessage> history)
    {
        try
        {
            var window = reducer.ReduceToWindowAsync(history, null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return ([.. window.Messages.Select(m => m.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))], window.Tokens, null);
        }
        catch (MemoryBudgetException e)
        {
            return ([], 0, e.GetType().Name);
        }
    }
}
