using System.Globalization;
using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FiniteMemory.Http;

/// <summary>
/// The transport every hosted backend shares: each request runs through a Polly pipeline of retries with
/// exponential backoff and jitter around a per-attempt timeout (see <see cref="ResilienceOptions"/>).
/// </summary>
/// <remarks>
/// Request content is buffered first so that it can be sent again. An attempt ends when the response headers
/// arrive; for a request not marked with <see cref="StreamingResponse"/> it also reads the body, so a body that
/// stalls or breaks is retried too. No body is read past a bound (decompressed bytes counted): an error body past
/// its first 64 KB, an answer past <see cref="ResilienceOptions.MaxResponseBytes"/> (a
/// <see cref="BackendResponseTooLargeException"/>, streamed or not). A streamed body that breaks after its headers is never retried: the caller
/// has already seen part of it. Failures that outlive the retries surface as <see cref="BackendHttpException"/>
/// (connection failures) or <see cref="BackendTimeoutException"/>; a non-retryable or last failed status is
/// returned as the response, for the backend to turn into an error with the provider's message.
/// </remarks>
public sealed class ResilientHttpHandler : DelegatingHandler
{
    /// <summary>Marks a request whose response body is a stream read by the caller (not buffered by an attempt).</summary>
    public static readonly HttpRequestOptionsKey<bool> StreamingResponse = new("FiniteMemory.Http.StreamingResponse");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Timeouts, retries and the clock.</param>
    /// <param name="provider">The provider's display name, used in errors (for example <c>Anthropic</c>).</param>
    /// <param name="inner">The handler that sends the request; a new <see cref="SocketsHttpHandler"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ResilientHttpHandler(ResilienceOptions options, string provider, HttpMessageHandler? inner = null)
        : base(inner ?? CreateDefaultInnerHandler())
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        options.Validate();
        Options = options;
        Provider = provider;
        _pipeline = BuildPipeline(options, provider);
    }

    /// <summary>The options in effect.</summary>
    public ResilienceOptions Options { get; }

    /// <summary>The provider's display name.</summary>
    public string Provider { get; }

    /// <summary>
    /// The statuses worth another attempt: 408, 429 and every 5xx (such as Anthropic's 529 "overloaded") except
    /// 501 Not Implemented and 505 HTTP Version Not Supported, which another attempt cannot change.
    /// </summary>
    public static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status is >= 500 and <= 599 && status is not HttpStatusCode.NotImplemented and not HttpStatusCode.HttpVersionNotSupported);

    /// <summary>
    /// How long the provider asks to wait, from <c>retry-after-ms</c> or <c>Retry-After</c> (seconds or an HTTP
    /// date, measured against <paramref name="now"/>); null when it does not say. Never negative.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
            && double.IsFinite(milliseconds))
        {
            return TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, TimeSpan.FromDays(1).TotalMilliseconds));
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null)
        {
            // Buffered once, so every attempt sends the same bytes.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var state = new AttemptState(this, request, request.Options.TryGetValue(StreamingResponse, out var streaming) && streaming);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(static (ctx, s) => s.Handler.AttemptAsync(s, ctx.CancellationToken), context, state).ConfigureAwait(false);
            if (outcome.Exception is { } exception)
            {
                throw Translate(exception, state, cancellationToken);
            }

            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static SocketsHttpHandler CreateDefaultInnerHandler() => new()
    {
        // Re-resolve DNS now and then: providers move their endpoints behind load balancers.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),

        // The providers' APIs do not redirect; following one would hand the key headers to another host.
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
    };

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ResilienceOptions options, string provider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response && RetryAfter(response, options.TimeProvider.GetUtcNow()) is { } wait
                        ? wait > options.MaxDelay ? options.MaxDelay : wait
                        : (TimeSpan?)null),
                OnRetry = args =>
                {
                    if (options.OnRetry is { } onRetry)
                    {
                        var response = args.Outcome.Result;
                        var fromRetryAfter = response is not null && RetryAfter(response, options.TimeProvider.GetUtcNow()) is not null;
                        onRetry(new RetryAttempt(provider, args.AttemptNumber + 1, args.RetryDelay, response?.StatusCode, args.Outcome.Exception, fromRetryAfter));
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        if (options.AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.AttemptTimeout);
        }

        return builder.Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return false;
        }

        return outcome.Exception switch
        {
            null => outcome.Result is { } response && IsTransient(response.StatusCode),
            TimeoutRejectedException => true,
            OperationCanceledException => false,
            HttpRequestException or IOException => true,
            _ => false,
        };
    }

    private async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(AttemptState state, CancellationToken cancellationToken)
    {
        state.Attempts++;
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(state.Request, cancellationToken).ConfigureAwait(false);

            // A body read later is read without the attempt's timeout: buffer it here unless it is a stream the
            // caller reads as it arrives, so a stalled one times out. Every body is read with a bound on the
            // decompressed bytes, on every attempt: an error body only as far as an error document goes, an
            // answer up to MaxResponseBytes, so neither a huge body nor a compression bomb can fill memory.
            if (!response.IsSuccessStatusCode)
            {
                await BoundedContent.TruncateAsync(response, BoundedContent.MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            }
            else if (!state.Streaming)
            {
                await BoundedContent.BufferAsync(response, Options.MaxResponseBytes, Provider, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await BoundedContent.LimitAsync(response, Options.MaxResponseBytes, Provider, cancellationToken).ConfigureAwait(false);
            }

            return Outcome.FromResult(response);
        }
        catch (BackendResponseTooLargeException ex)
        {
            // Not transient: the same request would get the same answer.
            response?.Dispose();
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            response?.Dispose();
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    private Exception Translate(Exception exception, AttemptState state, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return exception as OperationCanceledException ?? new OperationCanceledException(null, exception, cancellationToken);
        }

        var attempts = state.Attempts == 1 ? "1 attempt" : $"{state.Attempts} attempts";
        return exception switch
        {
            TimeoutRejectedException => new BackendTimeoutException(Provider, Options.AttemptTimeout, state.Attempts, Options.TimeoutSettingName, exception),
            HttpRequestException or IOException => new BackendHttpException(
                Provider,
                statusCode: null,
                providerMessage: null,
                requestId: null,
                // Our own words and no user info: the framework's text is only a resource key in fmem's AOT build,
                // and may quote what the server sent.
                $"Could not reach {Provider} at {Address(state.Request.RequestUri)} ({attempts}): {ExceptionText.Describe(exception)}. Check the endpoint and the network.",
                SecretRedactor.ForRequest(state.Request).Clean(exception)),
            _ => exception,
        };
    }

    private static string Address(Uri? uri) =>
        uri is { IsAbsoluteUri: true } ? uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) : SecretRedactor.DisplayUrl(uri);

    private sealed class AttemptState(ResilientHttpHandler handler, HttpRequestMessage request, bool streaming)
    {
        public ResilientHttpHandler Handler { get; } = handler;

        public HttpRequestMessage Request { get; } = request;

        public bool Streaming { get; } = streaming;

        public int Attempts { get; set; }
    }
}
