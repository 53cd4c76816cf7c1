using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Tests.Fakes;

/// <summary>One request a <see cref="FakeChatClient"/> received.</summary>
/// <param name="Call">1-based call number.</param>
/// <param name="Messages">A snapshot of the messages sent (the caller's list may change afterwards).</param>
/// <param name="Options">The chat options sent.</param>
/// <param name="Streaming">Whether it came through the streaming API.</param>
/// <param name="ProviderInputTokens">The input token count the fake provider computed for it, if it computes one.</param>
public sealed record FakeRequest(int Call, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, bool Streaming, long? ProviderInputTokens)
{
    /// <summary>The newest message of the request.</summary>
    public ChatMessage Last => Messages[^1];

    /// <summary>The request's input tokens as <paramref name="counter"/> counts them: messages, request framing and tool schemas.</summary>
    public int CountWith(ITokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        var tokens = counter.RequestOverhead + counter.CountTools(Options?.Tools);
        foreach (var message in Messages)
        {
            tokens += counter.CountMessage(message);
        }

        return tokens;
    }
}

/// <summary>What the fake answers to one call.</summary>
public sealed record FakeReply
{
    /// <summary>The assistant's text (ignored when <see cref="Messages"/> is set).</summary>
    public string Text { get; init; } = "ok";

    /// <summary>Several response messages (e.g. a function call, its result and the final answer), used as given.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>Reported input tokens; when null the fake's provider count (if configured) is reported.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Reported cached input tokens; when null, <see cref="FakeChatClient.CachedInputTokens"/> is used.</summary>
    public long? CachedInputTokens { get; init; }

    /// <summary>Report no usage at all for this call.</summary>
    public bool NoUsage { get; init; }

    /// <summary>Throw this (before answering, or mid-stream with <see cref="ThrowAfterChunks"/>).</summary>
    public Exception? Throw { get; init; }

    /// <summary>When streaming: yield this many text chunks, then throw <see cref="Throw"/> (or an <see cref="InvalidOperationException"/>).</summary>
    public int? ThrowAfterChunks { get; init; }

    /// <summary>Wait this long before answering (honouring the cancellation token); <see cref="Timeout.InfiniteTimeSpan"/> waits until cancelled.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A plain text answer.</summary>
    public static FakeReply Say(string text) => new() { Text = text };

    /// <summary>An answer that never comes: the call waits until it is cancelled, whatever the clock says.</summary>
    public static FakeReply UntilCancelled(string text = "never") => new() { Text = text, Delay = Timeout.InfiniteTimeSpan };

    /// <summary>A failure before any answer.</summary>
    public static FakeReply Fail(Exception exception) => new() { Throw = exception };
}

/// <summary>
/// An in-process <see cref="IChatClient"/> for tests: records every request, answers from a script (or a
/// responder function), streams in chunks with a final usage chunk, can fail before answering or mid-stream,
/// can delay honouring cancellation, and can act as a provider whose tokenizer counts
/// <see cref="ProviderFactor"/> times what <see cref="ProviderCounter"/> counts.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private readonly Lock _gate = new();
    private readonly Queue<FakeReply> _script = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>Creates a fake that answers with <paramref name="replies"/> in order, then with <see cref="DefaultReply"/>.</summary>
    public FakeChatClient(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
    }

    /// <summary>The answer once the script is used up (when there is no <see cref="Responder"/>).</summary>
    public FakeReply DefaultReply { get; set; } = new();

    /// <summary>Computes the answer from the request; used when the script is empty.</summary>
    public Func<FakeRequest, FakeReply>? Responder { get; set; }

    /// <summary>The tokenizer of the simulated provider. When set, usage reports <see cref="ProviderFactor"/> times its count of the request.</summary>
    public ITokenCounter? ProviderCounter { get; set; }

    /// <summary>How many times more tokens the provider counts than <see cref="ProviderCounter"/>.</summary>
    public double ProviderFactor { get; set; } = 1.0;

    /// <summary>Cached input tokens reported on every call (null: not reported).</summary>
    public long? CachedInputTokens { get; set; }

    /// <summary>Number of text chunks a streamed answer is split into (before the final usage chunk).</summary>
    public int ChunkCount { get; set; } = 3;

    /// <summary>Delay before each streamed chunk (honouring the cancellation token).</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Number of calls received.</summary>
    public int CallCount
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Adds an answer to the script.</summary>
    public FakeChatClient Enqueue(FakeReply reply)
    {
        lock (_gate)
        {
            _script.Enqueue(reply);
        }

        return this;
    }

    /// <summary>Completes when a request has arrived (one per call; each arrival is consumed once); the 120 s wait is only a hang guard.</summary>
    public async Task WaitForRequestAsync(CancellationToken cancellationToken = default)
    {
        if (!await _arrived.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken))
        {
            throw new TimeoutException("Hung: no request reached the fake chat client within 120 s.");
        }
    }

    /// <summary>The provider's input token count for a request, or null when no provider counter is set.</summary>
    public long? ProviderCount(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (ProviderCounter is not { } counter)
        {
            return null;
        }

        var estimate = counter.RequestOverhead + counter.CountTools(options?.Tools);
        foreach (var message in messages)
        {
            estimate += counter.CountMessage(message);
        }

        return (long)Math.Ceiling(estimate * ProviderFactor);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (request, reply) = Receive(messages, options, streaming: false);
        if (reply.Delay > TimeSpan.Zero || reply.Delay == Timeout.InfiniteTimeSpan)
        {
            await Task.Delay(reply.Delay, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (reply.Throw is { } exception && reply.ThrowAfterChunks is null)
        {
            throw exception;
        }

        var responseMessages = reply.Messages is { } given ? given.ToList() : [new ChatMessage(ChatRole.Assistant, reply.Text)];
        return new ChatResponse(responseMessages)
        {
            ResponseId = "resp-" + request.Call,
            FinishReason = ChatFinishReason.Stop,
            Usage = Usage(request, reply),
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (request, reply) = Receive(messages, options, streaming: true);
        if (reply.Delay > TimeSpan.Zero || reply.Delay == Timeout.InfiniteTimeSpan)
        {
            await Task.Delay(reply.Delay, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (reply.Throw is { } exception && reply.ThrowAfterChunks is null)
        {
            throw exception;
        }

        var responseId = "resp-" + request.Call;
        var yielded = 0;
        if (reply.Messages is { } given)
        {
            for (var i = 0; i < given.Count; i++)
            {
                await BeforeChunkAsync(cancellationToken);
                ThrowIfDue(reply, yielded);
                yield return new ChatResponseUpdate(given[i].Role, [.. given[i].Contents])
                {
                    ResponseId = responseId,
                    MessageId = responseId + "-" + i,
                };
                yielded++;
            }
        }
        else
        {
            foreach (var chunk in Split(reply.Text, ChunkCount))
            {
                await BeforeChunkAsync(cancellationToken);
                ThrowIfDue(reply, yielded);
                yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ResponseId = responseId };
                yielded++;
            }
        }

        await BeforeChunkAsync(cancellationToken);
        ThrowIfDue(reply, yielded);
        var final = new ChatResponseUpdate { ResponseId = responseId, FinishReason = ChatFinishReason.Stop };
        if (Usage(request, reply) is { } usage)
        {
            final.Contents.Add(new UsageContent(usage));
        }

        yield return final;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType is not null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Splits a text into at most <paramref name="parts"/> non-empty chunks that concatenate to it.</summary>
    public static IReadOnlyList<string> Split(string text, int parts)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        parts = Math.Clamp(parts, 1, text.Length);
        var chunks = new List<string>(parts);
        var size = (int)Math.Ceiling(text.Length / (double)parts);
        for (var at = 0; at < text.Length; at += size)
        {
            chunks.Add(text.Substring(at, Math.Min(size, text.Length - at)));
        }

        return chunks;
    }

    private static void ThrowIfDue(FakeReply reply, int yielded)
    {
        if (reply.ThrowAfterChunks is { } after && yielded >= after)
        {
            throw reply.Throw ?? new InvalidOperationException($"The fake stream broke after {after} chunks.");
        }
    }

    private async Task BeforeChunkAsync(CancellationToken cancellationToken)
    {
        if (ChunkDelay > TimeSpan.Zero)
        {
            await Task.Delay(ChunkDelay, cancellationToken);
        }
        else
        {
            await Task.Yield();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private (FakeRequest Request, FakeReply Reply) Receive(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var snapshot = messages.ToList();
        var providerTokens = ProviderCount(snapshot, options);
        FakeRequest request;
        FakeReply? reply;
        lock (_gate)
        {
            request = new FakeRequest(_requests.Count + 1, snapshot, options, streaming, providerTokens);
            _requests.Add(request);
            _script.TryDequeue(out reply);
        }

        _arrived.Release();
        reply ??= Responder?.Invoke(request) ?? DefaultReply;
        return (request, reply);
    }

    private UsageDetails? Usage(FakeRequest request, FakeReply reply)
    {
        if (reply.NoUsage)
        {
            return null;
        }

        var input = reply.InputTokens ?? request.ProviderInputTokens;
        var cached = reply.CachedInputTokens ?? CachedInputTokens;
        if (input is null && cached is null)
        {
            return null;
        }

        return new UsageDetails
        {
            InputTokenCount = input,
            CachedInputTokenCount = cached,
            OutputTokenCount = 5,
            TotalTokenCount = (input ?? 0) + 5,
        };
    }
}
