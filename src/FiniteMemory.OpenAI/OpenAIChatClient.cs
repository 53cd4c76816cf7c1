using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using FiniteMemory.Http;
using Microsoft.Extensions.AI;

namespace FiniteMemory.OpenAI;

/// <summary>
/// OpenAI and any OpenAI-compatible server as an <see cref="IChatClient"/>, on the official OpenAI SDK: M.E.AI's
/// adapter over the SDK on FiniteMemory's shared resilient transport (retries, timeouts), with the SDK's errors turned
/// into FiniteMemory's backend errors (status and the server's message, never the key), a stream that goes silent for
/// longer than the attempt timeout (or closed before the model finished) ended with an error, and the preset answering
/// <see cref="IChatClient.GetService"/> for <see cref="OpenAIPreset"/> and <see cref="TokenizerPreset"/>.
/// </summary>
public sealed class OpenAIChatClient : DelegatingChatClient
{
    private readonly OpenAIConnection _connection;

    /// <summary>Creates a chat client for the server <paramref name="options"/> describe (its preset, endpoint and key).</summary>
    /// <param name="options">Model (required), preset, endpoint, key, timeout, retries and options.</param>
    /// <exception cref="BackendConfigurationException">The model is missing, the preset unknown, or a required key is not set; the message names the fix.</exception>
    public OpenAIChatClient(OpenAIChatClientOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates the chat client with <paramref name="fixedPreset"/> (a preset's own backend name) or the options' preset.</summary>
    /// <param name="options">What configuration says.</param>
    /// <param name="fixedPreset">The preset a preset-named backend stands for.</param>
    /// <param name="resilience">Retry and timeout defaults (tests shorten the backoff); the shared defaults when null.</param>
    /// <param name="handler">The handler under the resilient one (benchmarks answer from memory); a socket handler when null.</param>
    internal OpenAIChatClient(OpenAIChatClientOptions options, OpenAIPreset? fixedPreset, ResilienceOptions? resilience = null, HttpMessageHandler? handler = null)
        : this(OpenAIConnection.Open(Checked(options), fixedPreset, requireModel: true, resilience, handler), options)
    {
    }

    private OpenAIChatClient(OpenAIConnection connection, OpenAIChatClientOptions options)
        : base(connection.Client.GetChatClient(options.Model!.Trim()).AsIChatClient()) => _connection = connection;

    /// <summary>The preset the client talks to.</summary>
    public OpenAIPreset Preset => _connection.Preset;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            return OutputLimit.Checked(_connection.Preset.Description, response, options?.MaxOutputTokens);
        }
        catch (Exception ex) when (OpenAIErrors.Translate(ex, _connection, streaming: false, started: false, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The resilient transport times attempts (and retries them) until the headers arrive; from then on, as with
        // every other backend, each event must arrive within the attempt timeout: silence, a drip of bytes or
        // keep-alive comments (which make no event) end the stream with an error instead of a hang.
        // Cancelled by the caller's token or by the silence timer, which runs on the resilience options' clock.
        using var silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _connection.Resilience.TimeProvider);
        using var caller = cancellationToken.Register(static source => ((CancellationTokenSource)source!).Cancel(), silence);
        var idle = _connection.Resilience.AttemptTimeout;
        var finished = false;
        var started = false;
        var output = OutputLimit.For(_connection.Preset.Description, options?.MaxOutputTokens);
        var stream = base.GetStreamingResponseAsync(messages, options, silence.Token).GetAsyncEnumerator(silence.Token);
        await using (stream.ConfigureAwait(false))
        {
            // Until the headers arrive the transport's own timeouts rule; this wait only backs them up.
            var limit = _connection.StartTimeout;
            while (true)
            {
                if (limit != Timeout.InfiniteTimeSpan)
                {
                    silence.CancelAfter(limit);
                }

                try
                {
                    if (!started)
                    {
                        // Set just before the step that sends the request, so it flows into the SDK's send.
                        OpenAITransport.ResponseStarted.Value = () =>
                        {
                            limit = idle;
                            if (idle != Timeout.InfiniteTimeSpan)
                            {
                                silence.CancelAfter(idle);
                            }
                        };
                    }

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
                finally
                {
                    OpenAITransport.ResponseStarted.Value = null;
                }

                // Only the server's silence counts: the time the caller spends on an update does not.
                silence.CancelAfter(Timeout.InfiniteTimeSpan);
                limit = idle;
                finished |= stream.Current.FinishReason is not null;
                started = true;
                output?.Add(stream.Current);
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

    /// <inheritdoc />
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

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Http.Dispose();
        }

        base.Dispose(disposing);
    }

    private static OpenAIChatClientOptions Checked(OpenAIChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options;
    }
}
