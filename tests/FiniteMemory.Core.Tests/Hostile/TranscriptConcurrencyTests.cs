using System.Runtime.CompilerServices;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Hostile;

/// <summary>Issue 20, item 13: reading a transcript while a turn runs, and streams abandoned without disposing.</summary>
public class TranscriptConcurrencyTests
{
    [Test]
    public async Task EnumeratingTheTranscriptWhileATurnAppendsReturnsASnapshot()
    {
        var fake = new FakeChatClient { Responder = r => FakeReply.Say("answer " + r.Call), ChunkCount = 2 };
        var session = new MemorySession(fake, new MemoryOptions { Budget = 100_000 });
        session.AddSystem("Be brief.");
        var before = session.Transcript.GetEnumerator();
        await Assert.That(before.MoveNext()).IsTrue();

        await session.ChatAsync("One.");
        session.Add(new ChatMessage(ChatRole.User, "Two."));

        // The enumerator started before the turn still reads what was there then.
        await Assert.That(before.MoveNext()).IsFalse();
        await Assert.That(session.Transcript.ToList().Count).IsEqualTo(4);
    }

    [Test]
    public async Task ReadingTheTranscriptFromAnotherThreadDuringManyTurnsNeverThrows()
    {
        var fake = new FakeChatClient { Responder = r => FakeReply.Say("answer " + r.Call) };
        var session = new MemorySession(fake, new MemoryOptions { Budget = 100_000 });
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                var ids = session.Transcript.Select(e => e.Id).ToList();
                if (ids.Count != ids.Distinct().Count())
                {
                    throw new InvalidOperationException("A snapshot held an entry twice.");
                }

                reads++;
            }

            return reads;
        });

        for (var turn = 1; turn <= 200; turn++)
        {
            await session.ChatAsync("Question " + turn);
        }

        await stop.CancelAsync();
        await Assert.That(await reader.WaitAsync(TimeSpan.FromSeconds(60))).IsGreaterThan(0);
        await Assert.That(session.Transcript.Count).IsEqualTo(400);
    }

    [Test]
    public async Task AStreamAbandonedWithoutDisposingReleasesTheSessionOnceCollected()
    {
        var fake = new FakeChatClient { Responder = r => FakeReply.Say("a fairly long answer " + r.Call), ChunkCount = 4 };
        var session = new MemorySession(fake, new MemoryOptions { Budget = 10_000 });
        session.AddSystem("Be brief.");

        // On a thread of its own, so that no stack slot of this test keeps the dropped enumerator reachable.
        var thread = new Thread(() => StartAndAbandonAsync(session).GetAwaiter().GetResult());
        thread.Start();
        thread.Join();
        await Assert.That(async () => { await session.ChatAsync("Blocked?"); }).ThrowsExactly<InvalidOperationException>();

        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var response = await session.ChatAsync("Are you there?");

        await Assert.That(response.Text).IsEqualTo("a fairly long answer 2");

        // The abandoned turn left nothing: its user message was undone before the next turn.
        await Assert.That(session.Transcript.Select(e => e.Message.Text).ToList()).IsEquivalentTo(new[] { "Be brief.", "Are you there?", "a fairly long answer 2" });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task StartAndAbandonAsync(MemorySession session)
    {
        var enumerator = session.ChatStreamingAsync("Tell me a story.").GetAsyncEnumerator();
        if (!await enumerator.MoveNextAsync())
        {
            throw new InvalidOperationException("The stream yielded nothing.");
        }
    }
}

