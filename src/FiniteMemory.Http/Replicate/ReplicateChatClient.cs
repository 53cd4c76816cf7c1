using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using FiniteMemory.Backends;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Replicate;

/// <summary>
/// An <see cref="IChatClient"/> for language models hosted on Replicate. Each request creates a prediction
/// (<c>POST /v1/models/{owner}/{name}/predictions</c>, or <c>POST /v1/predictions</c> with a version) whose input
/// is the conversation written by a <see cref="ReplicatePromptTemplate"/>; a streamed request then reads the
/// prediction's server-sent events (<c>output</c>, <c>error</c>, <c>done</c>), a non-streamed one polls it with
/// backoff until it has succeeded, failed or been canceled.
/// </summary>
/// <remarks>
/// Abandoning a prediction — the caller cancels, stops reading a stream, or it runs past
/// <see cref="ReplicateChatClientOptions.PredictionTimeout"/> — cancels it on Replicate (best effort), so it stops billing.
/// Usage comes from the prediction's <c>metrics</c> (<c>input_token_count</c>, <c>output_token_count</c>).
/// Replicate models take a prompt, not tools: a request with <see cref="ChatOptions.Tools"/> is refused.
/// </remarks>
public sealed class ReplicateChatClient : HostedChatClient
{
    /// <summary>The provider's display name.</summary>
    public const string ProviderName = "Replicate";

    /// <summary>The environment variable the API token is read from when none is configured.</summary>
    public const string ApiKeyVariable = "REPLICATE_API_TOKEN";

    /// <summary>The backend's registered name.</summary>
    internal const string BackendName = "replicate";

    // A best-effort cancel must not hold up the caller that is giving up.
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(5);

    private static readonly HostedProvider Provider = new(BackendName, ProviderName, ReplicateChatClientOptions.DefaultEndpoint, "meta/meta-llama-3-70b-instruct", [ApiKeyVariable]);

    private readonly AuthenticationHeaderValue _authorization;
    private readonly ReplicatePromptTemplate _template;
    private readonly TimeProvider _time;
    private readonly int? _wait;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _maxPollInterval;
    private readonly TimeSpan _predictionTimeout;
    private readonly bool _streamUsage;

    /// <summary>Creates the client.</summary>
    /// <param name="settings">Model (required), endpoint, token, timeouts, retries, polling and the prompt format.</param>
    /// <param name="handler">The handler under the resilience layer (a proxy, a test double); a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, a malformed one, a setting out of range, or no API token; the message names the fix.</exception>
    public ReplicateChatClient(ReplicateChatClientOptions settings, HttpMessageHandler? handler = null)
        : this(settings, template: null, handler, TimeProvider.System)
    {
    }

    /// <summary>Creates the client with a prompt template of your own.</summary>
    /// <param name="settings">Model (required), endpoint, token, timeouts, retries and polling.</param>
    /// <param name="template">How the conversation is written; when null, the one <paramref name="settings"/> describe.</param>
    /// <param name="handler">The handler under the resilience layer; a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="BackendConfigurationException">No model, a malformed one, a setting out of range, or no API token; the message names the fix.</exception>
    public ReplicateChatClient(ReplicateChatClientOptions settings, ReplicatePromptTemplate? template, HttpMessageHandler? handler)
        : this(settings, template, handler, TimeProvider.System)
    {
    }

    /// <summary>Creates the client with the clock polls, retries and timeouts wait on (tests pass a fake one).</summary>
    internal ReplicateChatClient(ReplicateChatClientOptions settings, ReplicatePromptTemplate? template, HttpMessageHandler? handler, TimeProvider time)
        : base(Provider, Validated(settings), handler, time)
    {
        _authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        _template = template ?? TemplateFrom(settings);
        _time = time;

        // Copied: the settings object stays the caller's, and these were validated as they are now.
        _wait = settings.Wait;
        _pollInterval = settings.PollInterval;
        _maxPollInterval = settings.MaxPollInterval;
        _predictionTimeout = settings.PredictionTimeout;
        _streamUsage = settings.StreamUsage;
    }

    /// <summary>The template conversations are written with.</summary>
    public ReplicatePromptTemplate PromptTemplate => _template;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (model, body) = Prepare(messages, options, stream: false);
        var prediction = await CreateAsync(model, body, _wait, cancellationToken).ConfigureAwait(false);
        prediction = await CompleteAsync(prediction, cancellationToken).ConfigureAwait(false);
        return OutputLimit.Checked(ProviderName, ReplicateResponseReader.ToChatResponse(prediction, model.ToString()), options?.MaxOutputTokens);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (model, body) = Prepare(messages, options, stream: true);
        var prediction = await CreateAsync(model, body, wait: null, cancellationToken).ConfigureAwait(false);
        var modelId = prediction.Model ?? model.ToString();
        if (prediction.Urls?.Stream is not { Length: > 0 } streamUrl)
        {
            // A model that cannot stream: the whole answer arrives as one update once the prediction is done.
            var finished = await CompleteAsync(prediction, cancellationToken).ConfigureAwait(false);
            foreach (var update in OutputLimit.Checked(ProviderName, ReplicateResponseReader.ToChatResponse(finished, modelId), options?.MaxOutputTokens).ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        var ended = false;
        var limit = OutputLimit.For(ProviderName, options?.MaxOutputTokens);
        try
        {
            await foreach (var item in ReadStreamAsync(prediction, Absolute(streamUrl, "stream")!, cancellationToken).ConfigureAwait(false))
            {
                switch (item.EventType)
                {
                    case "output":
                        if (item.Data.Length > 0)
                        {
                            var update = Update(prediction, modelId, new TextContent(item.Data));
                            limit?.Add(update);
                            yield return update;
                        }

                        break;
                    case "error":
                        ended = true;
                        throw new BackendStreamException(ProviderName, $"Replicate prediction {Shown(prediction.Id)} failed: {Connection.Redactor.Redact(item.Data)}");
                    case "done":
                        ended = true;
                        var reason = string.IsNullOrWhiteSpace(item.Data) ? null : Connection.ParseEvent(item, ReplicateJsonContext.Default.ReplicateDone).Reason;
                        if (reason is "canceled" or "error")
                        {
                            throw new BackendStreamException(ProviderName, $"Replicate prediction {Shown(prediction.Id)} ended without finishing ('{Shown(reason)}'): the output is incomplete.");
                        }

                        break;
                    default:
                        // Replicate may add event types (logs); they are not part of the answer.
                        break;
                }

                if (ended)
                {
                    break;
                }
            }

            if (!ended)
            {
                throw BackendStreamException.EndedEarly(ProviderName, "done");
            }
        }
        finally
        {
            if (!ended)
            {
                await CancelAsync(prediction).ConfigureAwait(false);
            }
        }

        if (_streamUsage && await UsageAsync(prediction, cancellationToken).ConfigureAwait(false) is { } usage)
        {
            yield return Update(prediction, modelId, new UsageContent(usage));
        }
    }

    /// <summary>
    /// The prediction's server-sent events. The stream shares <see cref="ReplicateChatClientOptions.PredictionTimeout"/>
    /// with polling: a stream that is still open when it runs out ends in a <see cref="BackendTimeoutException"/>.
    /// </summary>
    private async IAsyncEnumerable<SseItem<string>> ReadStreamAsync(ReplicatePrediction prediction, Uri url, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_predictionTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        HttpResponseMessage response;
        try
        {
            response = await Connection.SendAsync(request, streaming: true, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(prediction, ex);
        }

        using (response)
        {
            var events = Connection.ReadEventsAsync(response, linked.Token).GetAsyncEnumerator(linked.Token);
            await using (events.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }
                    }
                    catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw TimedOut(prediction, ex);
                    }

                    yield return events.Current;
                }
            }
        }
    }

    private BackendTimeoutException TimedOut(ReplicatePrediction prediction, Exception? inner = null)
    {
        var message = $"Replicate prediction {Shown(prediction.Id)} did not finish within {_predictionTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (status '{Shown(prediction.Status)}'); it was canceled. Raise the prediction-timeout setting for slow or cold models.";
        return inner is null ? new BackendTimeoutException(message) : new BackendTimeoutException(message, inner);
    }

    /// <summary>Checks what only Replicate has (the model's form, the polling settings) before the base class builds the connection.</summary>
    private static ReplicateChatClientOptions Validated(ReplicateChatClientOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!string.IsNullOrWhiteSpace(settings.Model) && ReplicateModelRef.TryParse(settings.Model.Trim()) is null)
        {
            throw new BackendConfigurationException(BackendName, "model", ReplicateModelRef.Malformed(settings.Model.Trim()));
        }

        Check(settings.Wait is null or (>= 1 and <= 60), "wait", "wait must be between 1 and 60 seconds (Replicate's limit), or unset to poll");
        Check(settings.PollInterval > TimeSpan.Zero, "poll-interval", "poll-interval must be positive, such as 0.5 (seconds)");
        Check(settings.MaxPollInterval >= settings.PollInterval, "max-poll-interval", "max-poll-interval must be at least poll-interval");
        Check(settings.PredictionTimeout > TimeSpan.Zero, "prediction-timeout", "prediction-timeout must be positive, such as 600 (seconds)");
        return settings;
    }

    private static ReplicatePromptTemplate TemplateFrom(ReplicateChatClientOptions settings)
    {
        var template = ReplicatePromptTemplate.For(settings.PromptFormat);
        return template with
        {
            Message = settings.MessageTemplate ?? template.Message,
            GenerationPrompt = settings.GenerationPrompt ?? template.GenerationPrompt,
            ModelPromptTemplate = settings.ModelPromptTemplate is null ? template.ModelPromptTemplate
                : settings.ModelPromptTemplate.Length == 0 ? null
                : settings.ModelPromptTemplate,
        };
    }

    private static void Check(bool valid, string option, string message)
    {
        if (!valid)
        {
            throw new BackendConfigurationException(BackendName, option, $"Backend '{BackendName}': {message}.");
        }
    }

    private static ChatResponseUpdate Update(ReplicatePrediction prediction, string modelId, AIContent content) => new(ChatRole.Assistant, [content])
    {
        ResponseId = prediction.Id,
        MessageId = prediction.Id,
        ModelId = modelId,
    };

    private (ReplicateModelRef Model, ReplicatePredictionRequest Body) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var model = ReplicateModelRef.Parse(ModelFor(options));
        return (model, ReplicateRequestBuilder.Build(messages, options, _template, model, stream));
    }

    private async Task<ReplicatePrediction> CreateAsync(ReplicateModelRef model, ReplicatePredictionRequest body, int? wait, CancellationToken cancellationToken)
    {
        using var request = ProviderConnection.PostJson(BackendHttp.Combine(Endpoint, model.CreatePath), body, ReplicateJsonContext.Default.ReplicatePredictionRequest);
        request.Headers.Authorization = _authorization;
        if (wait is { } seconds)
        {
            request.Headers.TryAddWithoutValidation("Prefer", ReplicateRequestBuilder.PreferWait(seconds));
        }

        var prediction = await ReadPredictionAsync(request, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(prediction.Id) || prediction.Status is null)
        {
            throw new BackendHttpException(ProviderName, null, null, null, "Replicate answered the create-prediction call without a prediction id or status. Check that the endpoint is Replicate's API.");
        }

        return prediction;
    }

    /// <summary>Polls until the prediction has ended, then returns it if it succeeded.</summary>
    private async Task<ReplicatePrediction> CompleteAsync(ReplicatePrediction prediction, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var delay = _pollInterval;
        var ended = false;
        try
        {
            while (!ReplicateResponseReader.IsTerminal(prediction))
            {
                if (_time.GetElapsedTime(started) + delay > _predictionTimeout)
                {
                    throw TimedOut(prediction);
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), _maxPollInterval.Ticks));
                prediction = await GetAsync(prediction, cancellationToken).ConfigureAwait(false);
            }

            ended = true;
        }
        finally
        {
            if (!ended)
            {
                await CancelAsync(prediction).ConfigureAwait(false);
            }
        }

        return prediction.Status switch
        {
            "succeeded" => prediction,
            "failed" => throw new BackendHttpException(
                ProviderName,
                null,
                ReplicateResponseReader.Error(prediction) is { } e ? Connection.Redactor.Redact(e) : null,
                Shown(prediction.Id),
                $"Replicate prediction {Shown(prediction.Id)} failed: {Connection.Redactor.Redact(ReplicateResponseReader.Error(prediction) ?? "no reason given")}"),
            _ => throw new BackendHttpException(ProviderName, null, null, Shown(prediction.Id), $"Replicate prediction {Shown(prediction.Id)} was {Shown(prediction.Status)} before it finished (canceled on Replicate, not by this client)."),
        };
    }

    private async Task<ReplicatePrediction> GetAsync(ReplicatePrediction prediction, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Absolute(prediction.Urls?.Get, "get") ?? BackendHttp.Combine(Endpoint, $"v1/predictions/{Uri.EscapeDataString(prediction.Id!)}"));
        request.Headers.Authorization = _authorization;
        return await ReadPredictionAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReplicatePrediction> ReadPredictionAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await Connection.SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        return await Connection.ReadJsonAsync(response, ReplicateJsonContext.Default.ReplicatePrediction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The finished prediction's token counts, or null when they cannot be read (they are a bonus, not the answer).</summary>
    private async Task<UsageDetails?> UsageAsync(ReplicatePrediction prediction, CancellationToken cancellationToken)
    {
        try
        {
            var finished = await GetAsync(prediction, cancellationToken).ConfigureAwait(false);
            return ReplicateResponseReader.Usage(finished);
        }
        catch (BackendHttpException)
        {
            return null;
        }
    }

    /// <summary>Asks Replicate to stop a prediction this client abandons; failures are ignored (it is best effort).</summary>
    private async Task CancelAsync(ReplicatePrediction prediction)
    {
        if (ReplicateResponseReader.IsTerminal(prediction))
        {
            return;
        }

        // Runs in finally blocks: nothing here may throw over the error that made the client give up.
        using var timeout = new CancellationTokenSource(CancelTimeout, _time);
        try
        {
            var uri = Absolute(prediction.Urls?.Cancel, "cancel") ?? (prediction.Id is { } id ? BackendHttp.Combine(Endpoint, $"v1/predictions/{Uri.EscapeDataString(id)}/cancel") : null);
            if (uri is null)
            {
                return;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, uri);
            request.Headers.Authorization = _authorization;
            request.Options.Set(ResilientHttpHandler.StreamingResponse, false);
            using var response = await Connection.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or BackendHttpException or OperationCanceledException or IOException)
        {
            // The prediction may have finished meanwhile, or the network is gone; either way there is nothing more to do.
        }
    }

    // What the server sent, as it may appear in a message (a hostile server could echo the token anywhere).
    private string Shown(string? text) => Connection.Redactor.Redact(text);

    // A URL from a prediction gets the API token, so it must stay with Replicate: the endpoint's scheme (no
    // downgrade to http), and its host or a sibling under the same parent domain (api.replicate.com streams from
    // stream.replicate.com).
    private Uri? Absolute(string? url, string name)
    {
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new BackendHttpException(ProviderName, null, null, null, $"Replicate sent a prediction whose '{name}' URL is not an absolute http(s) URL. Check that the endpoint is Replicate's API.");
        }

        var host = Endpoint.IdnHost;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        var parent = dot > 0 && host.IndexOf('.', dot + 1) > 0 && Endpoint.HostNameType == UriHostNameType.Dns ? host[dot..] : null;
        var sameService = string.Equals(uri.IdnHost, host, StringComparison.OrdinalIgnoreCase)
            || (parent is not null && uri.IdnHost.EndsWith(parent, StringComparison.OrdinalIgnoreCase));
        if (!sameService || !string.Equals(uri.Scheme, Endpoint.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new BackendHttpException(ProviderName, null, null, null, $"Replicate sent a prediction whose '{name}' URL points to {uri.Scheme}://{uri.IdnHost}, outside {Endpoint.Scheme}://{host}; the API token is not sent there. Check that the endpoint is Replicate's API.");
        }

        return uri;
    }
}
