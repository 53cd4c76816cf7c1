using FiniteMemory.Local.Chat;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.Client;

public class LocalChatClientTests
{
    private static readonly ChatMessage[] FirstTurn =
    [
        new(ChatRole.System, "You are a travel assistant."),
        new(ChatRole.User, "I am planning a trip to Kyoto in April."),
    ];

    private static (LocalChatClient Client, TracingModel Model) Create(bool reuse = true)
    {
        var model = new TracingModel(new ReferenceDecoder(TestModels.Gpt2Folder));
        return (new LocalChatClient(model, TestModels.Gpt2Tokenizer, new LocalChatClientOptions { ReuseCache = reuse, ModelId = "tiny-gpt2" }), model);
    }

    private static int CommonPrefix(List<int> a, List<int> b)
    {
        var n = 0;
        while (n < a.Count && n < b.Count && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    public static IEnumerable<Func<ChatOptions>> Options() =>
    [
        () => new ChatOptions { MaxOutputTokens = 6 },
        () => new ChatOptions { MaxOutputTokens = 6, Temperature = 0.9f, TopK = 40, TopP = 0.95f, Seed = 1234 },
    ];

    [Test]
    [MethodDataSource(nameof(Options))]
    public async Task TheNextTurnWithPrefixReuseComputesExactlyTheTokensOfAFullRecompute(ChatOptions options)
    {
        var (reusing, traced) = Create();
        var (fresh, baseline) = Create(reuse: false);
        using (reusing)
        using (fresh)
        {
            var first = await reusing.GetResponseAsync(FirstTurn, options.Clone());
            var cachedAfterFirst = traced.LastCacheIds.ToList();
            List<ChatMessage> second = [.. FirstTurn, .. first.Messages, new(ChatRole.User, "What should I see there?")];

            var reused = await reusing.GetResponseAsync(second, options.Clone());
            var recomputed = await fresh.GetResponseAsync(second, options.Clone());

            await Assert.That(traced.LastCacheIds).IsEquivalentTo(baseline.LastCacheIds, CollectionOrdering.Matching);
            await Assert.That(reused.Text).IsEqualTo(recomputed.Text);

            var prompt = reusing.Encoder.Encode(second);
            var expectedReuse = Math.Min(CommonPrefix(cachedAfterFirst, prompt), prompt.Count - 1);
            await Assert.That(expectedReuse).IsGreaterThanOrEqualTo(reusing.Encoder.Encode(FirstTurn, addGenerationPrompt: false).Count);
            await Assert.That(reused.Usage!.CachedInputTokenCount).IsEqualTo(expectedReuse);
            await Assert.That(reused.Usage.AdditionalCounts![LocalChatClient.PrefixReusedTokensKey]).IsEqualTo(expectedReuse);
            await Assert.That(reused.Usage.AdditionalCounts[LocalChatClient.ComputedTokensKey]).IsEqualTo(prompt.Count - expectedReuse);
            await Assert.That(reused.Usage.InputTokenCount).IsEqualTo(prompt.Count);
            await Assert.That(recomputed.Usage!.CachedInputTokenCount).IsEqualTo(0);
        }
    }

    [Test]
    public async Task TheSameConversationAgainReusesAllButItsLastToken()
    {
        var (client, _) = Create();
        using (client)
        {
            var options = new ChatOptions { MaxOutputTokens = 3 };
            var a = await client.GetResponseAsync(FirstTurn, options);
            var b = await client.GetResponseAsync(FirstTurn, options);
            await Assert.That(b.Usage!.CachedInputTokenCount).IsEqualTo(b.Usage.InputTokenCount - 1);
            await Assert.That(b.Text).IsEqualTo(a.Text);
        }
    }

    [Test]
    public async Task StreamingGivesTheSameTextAndUsageAsOneResponse()
    {
        var (streaming, _) = Create();
        var (plain, _) = Create();
        using (streaming)
        using (plain)
        {
            var options = new ChatOptions { MaxOutputTokens = 8 };
            var updates = new List<ChatResponseUpdate>();
            await foreach (var u in streaming.GetStreamingResponseAsync(FirstTurn, options))
            {
                updates.Add(u);
            }

            var response = await plain.GetResponseAsync(FirstTurn, options);
            var streamed = updates.ToChatResponse();
            await Assert.That(streamed.Text).IsEqualTo(response.Text);
            await Assert.That(streamed.Usage!.OutputTokenCount).IsEqualTo(8);
            await Assert.That(streamed.FinishReason).IsEqualTo(ChatFinishReason.Length);
            await Assert.That(updates.Count(static u => u.Text.Length > 0)).IsGreaterThan(1);
        }
    }

    [Test]
    public async Task AStopSequenceEndsTheReplyBeforeIt()
    {
        var (client, _) = Create();
        using (client)
        {
            var free = await client.GetResponseAsync(FirstTurn, new ChatOptions { MaxOutputTokens = 10 });
            var stop = free.Text.Trim()[3..6];
            var stopped = await client.GetResponseAsync(FirstTurn, new ChatOptions { MaxOutputTokens = 10, StopSequences = [stop] });
            await Assert.That(stopped.Text).IsEqualTo(free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)]);
            await Assert.That(stopped.FinishReason).IsEqualTo(ChatFinishReason.Stop);
        }
    }

    [Test]
    public async Task AWindowLongerThanTheModelsContextIsRefusedWithTheFix()
    {
        var (client, traced) = Create();
        using (client)
        {
            var longText = string.Join(" ", Enumerable.Repeat("Kyoto temples gardens", 120));
            var ex = await Assert.That(async () => await client.GetResponseAsync([new ChatMessage(ChatRole.User, longText)], new ChatOptions { MaxOutputTokens = 4 }))
                .Throws<ArgumentException>();
            await Assert.That(ex!.Message).Contains("256 positions");
            await Assert.That(ex.Message).Contains("memory policy's budget");
            await Assert.That(traced.ComputedTokens).IsEqualTo(0);
        }
    }

    [Test]
    public async Task ACancelledOrFailedCallLeavesACacheThatAgreesWithItsIds()
    {
        var (client, traced) = Create();
        var (fresh, baseline) = Create(reuse: false);
        using (client)
        using (fresh)
        {
            var options = new ChatOptions { MaxOutputTokens = 8 };
            using var cts = new CancellationTokenSource();
            var seen = 0;
            await Assert.That(async () =>
            {
                await foreach (var u in client.GetStreamingResponseAsync(FirstTurn, options, cts.Token))
                {
                    if (++seen == 2)
                    {
                        await cts.CancelAsync();
                    }
                }
            }).Throws<OperationCanceledException>();
            await Assert.That(client.CachedTokenCount).IsEqualTo(traced.LastCacheIds.Count);

            traced.FailNext = new InvalidOperationException("boom");
            await Assert.That(async () => await client.GetResponseAsync([.. FirstTurn, new ChatMessage(ChatRole.User, "More?")], options)).Throws<InvalidOperationException>();
            await Assert.That(client.CachedTokenCount).IsEqualTo(0);

            var after = await client.GetResponseAsync(FirstTurn, options);
            var expected = await fresh.GetResponseAsync(FirstTurn, options);
            await Assert.That(after.Text).IsEqualTo(expected.Text);
            await Assert.That(traced.LastCacheIds).IsEquivalentTo(baseline.LastCacheIds, CollectionOrdering.Matching);
        }
    }

    [Test]
    public async Task TheClientDescribesItselfAndExposesTheModel()
    {
        var (client, traced) = Create();
        using (client)
        {
            await Assert.That(client.GetService<ChatClientMetadata>()!.DefaultModelId).IsEqualTo("tiny-gpt2");
            await Assert.That(client.GetService<ICausalLanguageModel>()).IsSameReferenceAs(traced);
            await Assert.That(client.Encoder.Template).IsSameReferenceAs(ChatTemplate.ChatML);
        }
    }
}
