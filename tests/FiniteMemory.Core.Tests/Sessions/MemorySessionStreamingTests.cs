using System.Text;
using FiniteMemory.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Tests.Sessions.SessionTestText;

namespace FiniteMemory.Tests.Sessions;

public class MemorySessionStreamingTests
{
    private const string LongAnswer = "The quick brown fox jumps over the lazy dog near the riverbank at dawn.";

    private static MemorySession NewSession(FakeChatClient fake, int budget = 1000) =>
        new(fake, new MemoryOptions { Budget = budget });

    private static async Task<MemorySession> SessionWithOneTurnAsync(FakeChatClient fake)
    {
        var session = NewSession(fake);
        session.AddSystem("Be helpful.");
        fake.Enqueue(FakeReply.Say(Answer(1)));
        await session.ChatAsync(Question(1));
        return session;
    }

    private static bool IsIncomplete(ChatMessage message) =>
        message.AdditionalProperties is { } props
        && props.TryGetValue(MemorySession.IncompleteProperty, out var value)
        && value is true;

    [Test]
    public async Task ACompletedStreamAppendsTheAssembledAssistantMessage()
    {
        var fake = new FakeChatClient(new FakeReply { Text = LongAnswer, CachedInputTokens = 7 }) { ChunkCount = 4 };
        fake.ProviderCounter = TokenCounter.Default;
        var session = NewSession(fake);
        var user = new ChatMessage(ChatRole.User, Words("Tell me a pangram about", 30));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in session.ChatStreamingAsync(user))
        {
            updates.Add(update);
        }

        await Assert.That(updates.Count(u => !string.IsNullOrEmpty(u.Text))).IsEqualTo(4);
        await Assert.That(string.Concat(updates.Select(u => u.Text))).IsEqualTo(LongAnswer);
        await Assert.That(updates[^1].Contents.OfType<UsageContent>().Count()).IsEqualTo(1);

        await Assert.That(session.Transcript.Count).IsEqualTo(2);
        await Assert.That(ReferenceEquals(session.Transcript[0].Message, user)).IsTrue();
        var assistant = session.Transcript[1].Message;
        await Assert.That(assistant.Role).IsEqualTo(ChatRole.Assistant);
        await Assert.That(assistant.Text).IsEqualTo(LongAnswer);
        await Assert.That(IsIncomplete(assistant)).IsFalse();
        await Assert.That(assistant.Contents.OfType<UsageContent>().Any()).IsFalse();

        // The final chunk's usage was learned from like a non-streamed response's.
        await Assert.That(session.Stats.Turns).IsEqualTo(1);
        await Assert.That(session.Stats.CacheHits).IsEqualTo(1);
        await Assert.That(session.Stats.CachedInputTokens).IsEqualTo(7);
        await Assert.That(session.Calibration.Observations).IsEqualTo(1);
        await Assert.That(session.Calibration.Ratio).IsEqualTo(1.0);
    }

    [Test]
    public async Task StoppingReadingEarlyKeepsTheUserMessageAndThePartialAnswerMarkedIncomplete()
    {
        var fake = new FakeChatClient { ChunkCount = 4 };
        var session = await SessionWithOneTurnAsync(fake);
        var before = session.Transcript.Count;
        fake.Enqueue(FakeReply.Say(LongAnswer));
        var chunks = FakeChatClient.Split(LongAnswer, 4);

        var read = new StringBuilder();
        await foreach (var update in session.ChatStreamingAsync(Question(2)))
        {
            read.Append(update.Text);
            if (read.Length >= chunks[0].Length + chunks[1].Length)
            {
                break;
            }
        }

        await Assert.That(read.ToString()).IsEqualTo(chunks[0] + chunks[1]);
        await Assert.That(session.Transcript.Count).IsEqualTo(before + 2);
        await Assert.That(session.Transcript[before].Message.Text).IsEqualTo(Question(2));
        var partial = session.Transcript[before + 1].Message;
        await Assert.That(partial.Role).IsEqualTo(ChatRole.Assistant);
        await Assert.That(partial.Text).IsEqualTo(chunks[0] + chunks[1]);
        await Assert.That(IsIncomplete(partial)).IsTrue();
        await Assert.That(session.Stats.Turns).IsEqualTo(1);

        // The session is free again, and the next request shows the partial answer.
        fake.Enqueue(FakeReply.Say("Next."));
        await session.ChatAsync(Question(3));
        await Assert.That(fake.Requests[^1].Messages.Any(m => ReferenceEquals(m, partial))).IsTrue();
        await Assert.That(session.Transcript.Count).IsEqualTo(before + 4);
    }

    [Test]
    public async Task CancellingMidStreamKeepsTheUserMessageAndThePartialAnswerMarkedIncomplete()
    {
        var fake = new FakeChatClient { ChunkCount = 4 };
        var session = await SessionWithOneTurnAsync(fake);
        var before = session.Transcript.Count;
        var turns = session.Stats.Turns;
        fake.Enqueue(FakeReply.Say(LongAnswer));
        var chunks = FakeChatClient.Split(LongAnswer, 4);

        using var cts = new CancellationTokenSource();
        var read = new StringBuilder();
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in session.ChatStreamingAsync(Question(2), cancellationToken: cts.Token))
            {
                read.Append(update.Text);
                if (read.Length >= chunks[0].Length + chunks[1].Length)
                {
                    await cts.CancelAsync();
                }
            }
        });

        await Assert.That(read.ToString()).IsEqualTo(chunks[0] + chunks[1]);
        await Assert.That(session.Transcript.Count).IsEqualTo(before + 2);
        await Assert.That(session.Transcript[before].Message.Text).IsEqualTo(Question(2));
        var partial = session.Transcript[before + 1].Message;
        await Assert.That(partial.Text).IsEqualTo(chunks[0] + chunks[1]);
        await Assert.That(IsIncomplete(partial)).IsTrue();
        await Assert.That(session.Stats.Turns).IsEqualTo(turns);
        await Assert.That(session.Transcript.Turn).IsEqualTo(2);
    }

    [Test]
    public async Task AStreamThatFailsMidWayRollsBackAndTheExceptionSurfaces()
    {
        var fake = new FakeChatClient { ChunkCount = 4 };
        var session = await SessionWithOneTurnAsync(fake);
        var count = session.Transcript.Count;
        var turn = session.Transcript.Turn;
        var lastUser = session.Transcript.LastUserIndex;
        var turns = session.Stats.Turns;
        fake.Enqueue(new FakeReply { Text = LongAnswer, ThrowAfterChunks = 2, Throw = new IOException("connection reset") });

        var received = 0;
        var ex = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var update in session.ChatStreamingAsync(Question(2)))
            {
                received++;
            }
        });

        await Assert.That(ex!.Message).IsEqualTo("connection reset");
        await Assert.That(received).IsEqualTo(2);
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(session.Transcript.Turn).IsEqualTo(turn);
        await Assert.That(session.Transcript.LastUserIndex).IsEqualTo(lastUser);
        await Assert.That(session.Stats.Turns).IsEqualTo(turns);

        // Not stuck busy.
        fake.Enqueue(FakeReply.Say("ok"));
        await session.ChatAsync(Question(3));
        await Assert.That(session.Transcript.Count).IsEqualTo(count + 2);
    }

    [Test]
    public async Task AStreamThatFailsBeforeItsFirstChunkRollsBack()
    {
        var fake = new FakeChatClient();
        var session = await SessionWithOneTurnAsync(fake);
        var count = session.Transcript.Count;
        fake.Enqueue(FakeReply.Fail(new InvalidOperationException("quota exceeded")));

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in session.ChatStreamingAsync(Question(2)))
            {
            }
        });

        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(session.Transcript.Turn).IsEqualTo(1);
    }

    [Test]
    public async Task AStreamCancelledBeforeAnyTextIsRolledBack()
    {
        var fake = new FakeChatClient();
        var session = await SessionWithOneTurnAsync(fake);
        await fake.WaitForRequestAsync();
        var count = session.Transcript.Count;
        var lastUser = session.Transcript.LastUserIndex;
        fake.Enqueue(FakeReply.UntilCancelled(LongAnswer));

        using var cts = new CancellationTokenSource();
        var consume = Task.Run(async () =>
        {
            await foreach (var _ in session.ChatStreamingAsync(Question(2), cancellationToken: cts.Token))
            {
            }
        });
        await fake.WaitForRequestAsync();
        await cts.CancelAsync();

        // The answer never comes, so only the cancellation can end the stream (60 s is only a hang guard).
        await Assert.ThrowsAsync<OperationCanceledException>(() => consume.WaitAsync(TimeSpan.FromSeconds(60)));
        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(session.Transcript.Turn).IsEqualTo(1);
        await Assert.That(session.Transcript.LastUserIndex).IsEqualTo(lastUser);
    }

    [Test]
    public async Task AStreamWithAnAlreadyCancelledTokenIsRolledBack()
    {
        var fake = new FakeChatClient();
        var session = await SessionWithOneTurnAsync(fake);
        var count = session.Transcript.Count;

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in session.ChatStreamingAsync(Question(2), cancellationToken: new CancellationToken(canceled: true)))
            {
            }
        });

        await Assert.That(session.Transcript.Count).IsEqualTo(count);
        await Assert.That(fake.CallCount).IsEqualTo(1);
    }

    [Test]
    public async Task AnAnswerCutShortAfterAToolCallDoesNotLeaveACallWithoutResultsInLaterRequests()
    {
        // The model said something and asked for a tool; the caller stopped reading before the stream ended, so
        // nobody will run the tool. A call without its results in a later request is rejected by providers.
        var fake = new FakeChatClient();
        var session = NewSession(fake);
        var call = new FunctionCallContent("call-9", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        fake.Enqueue(new FakeReply { Messages = [new ChatMessage(ChatRole.Assistant, [new TextContent("Let me check the weather."), call])] });

        await foreach (var update in session.ChatStreamingAsync("Weather in Oslo?"))
        {
            if (update.Contents.OfType<FunctionCallContent>().Any())
            {
                break;
            }
        }

        await Assert.That(session.Transcript.Count).IsEqualTo(2);
        await Assert.That(IsIncomplete(session.Transcript[1].Message)).IsTrue();
        await Assert.That(session.Transcript[1].Message.Text).IsEqualTo("Let me check the weather.");

        fake.Enqueue(FakeReply.Say("Anything else?"));
        await session.ChatAsync("Never mind.");
        var sent = fake.Requests[^1].Messages.SelectMany(m => m.Contents).ToList();
        var results = sent.OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet();
        var dangling = sent.OfType<FunctionCallContent>().Where(c => !results.Contains(c.CallId)).Select(c => c.CallId).ToList();
        await Assert.That(dangling.Count).IsEqualTo(0);
    }

    [Test]
    public async Task EveryStreamedRequestStaysWithinTheBudget()
    {
        var fake = new FakeChatClient { Responder = r => FakeReply.Say(Answer(r.Call)), ChunkCount = 5 };
        var session = NewSession(fake, budget: 240);
        session.AddSystem("Be helpful.");

        for (var turn = 1; turn <= 12; turn++)
        {
            var text = new StringBuilder();
            await foreach (var update in session.ChatStreamingAsync(Question(turn)))
            {
                text.Append(update.Text);
            }

            await Assert.That(text.ToString()).IsEqualTo(Answer(turn));
        }

        await Assert.That(session.Transcript.Count).IsEqualTo(25);
        await Assert.That(session.Stats.Turns).IsEqualTo(12);
        foreach (var request in fake.Requests)
        {
            await Assert.That(request.Streaming).IsTrue();
            await Assert.That(request.CountWith(session.TokenCounter)).IsLessThanOrEqualTo(240);
            await Assert.That(request.Messages[0].Role).IsEqualTo(ChatRole.System);
            await Assert.That(request.Last.Role).IsEqualTo(ChatRole.User);
        }

        await Assert.That(fake.Requests[^1].Messages.Count).IsLessThan(session.Transcript.Count - 1);
    }
}
