using System.Runtime.CompilerServices;
using FiniteMemory.Tokens;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI;

/// <summary>
/// The chat client the OpenAI backends return: M.E.AI's adapter over the SDK, with the SDK's errors turned into
/// FiniteMemory's backend errors (status and the server's message, never the key), a stream that goes silent for
/// longer than the attempt timeout (or closed before the model finished) ended with an error, and the preset answering
/// <see cref="IChatClient.GetService"/> for <see cref="OpenAIPreset"/> and <see cref="TokenizerPreset"/>.
/// </summary>
internal sealed class OpenAIChatBackend : DelegatingChatClient
{
    private readonly OpenAIConnection _connection;

    public OpenAIChatBackend(IChatClient inner, OpenAIConnection connection)
        : base(inner) => _connection = connection;

    public OpenAIPreset Preset => _connection.Preset;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OpenAIErrors.Translate(ex, _connection, streaming: false, started: false, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The resilient transport times attempts until the headers arrive; after that only this wait notices a
        // server that stops sending without closing the stream.
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var finished = false;
        var started = false;
        var stream = base.GetStreamingResponseAsync(messages, options, silence.Token).GetAsyncEnumerator(silence.Token);
        await using (stream.ConfigureAwait(false))
        {
            var limit = _connection.StartTimeout;
            while (true)
            {
                if (limit != Timeout.InfiniteTimeSpan)
                {
                    silence.CancelAfter(limit);
                }

                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (silence.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw OpenAIErrors.Silent(_connection, limit);
                }
                catch (Exception ex) when (OpenAIErrors.Translate(ex, _connection, streaming: true, started, cancellationToken) is { } translated)
                {
                    throw translated;
                }

                silence.CancelAfter(Timeout.InfiniteTimeSpan);
                limit = _connection.Resilience.AttemptTimeout;
                finished |= stream.Current.FinishReason is not null;
                started = true;
                yield return stream.Current;
            }
        }

        // Every OpenAI-compatible server ends an answer with a finish_reason; a stream closed without one was cut
        // off, and what arrived must not be taken for the whole answer.
        if (!finished)
        {
            throw OpenAIErrors.Unfinished(_connection);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType == typeof(OpenAIPreset))
        {
            return Preset;
        }

        if (serviceKey is null && serviceType == typeof(TokenizerPreset))
        {
            return Preset.Tokenizer;
        }

        return base.GetService(serviceType, serviceKey);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Http.Dispose();
        }

        base.Dispose(disposing);
    }
}
