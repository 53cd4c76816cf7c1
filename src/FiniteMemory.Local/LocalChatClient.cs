using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FiniteMemory.Local.Chat;
using FiniteMemory.Local.Decoding;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Local;

/// <summary>
/// An <see cref="IChatClient"/> over a local <see cref="ICausalLanguageModel"/>: renders the messages with a chat
/// template, decodes greedily or by sampling (temperature, top-k, top-p, repetition penalty, seed), stops at EOS,
/// stop sequences or the token limit, and streams text as it decodes.
/// </summary>
/// <remarks>
/// <para>
/// The key/value cache of the last call is kept with its token ids; the next call reuses the longest common token
/// prefix and computes only the rest. A memory policy that keeps the start of the window stable therefore makes each
/// turn cost only its new tokens. The usage of every response reports it: <see cref="UsageDetails.InputTokenCount"/>
/// (the prompt), <see cref="UsageDetails.CachedInputTokenCount"/> (the reused prefix, which FiniteMemory's engine turns
/// into cache hit/miss events and statistics) and the additional counts <c>prefix_reused_tokens</c> and
/// <c>computed_tokens</c>.
/// </para>
/// <para>
/// One call runs at a time (others wait). A call that fails or is cancelled leaves the cache consistent with its ids
/// (or drops it), so the next call is never computed over the wrong prefix.
/// </para>
/// </remarks>
public sealed class LocalChatClient : IChatClient
{
    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key of the reused prefix length.</summary>
    public const string PrefixReusedTokensKey = "prefix_reused_tokens";

    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key of the prompt tokens that were computed.</summary>
    public const string ComputedTokensKey = "computed_tokens";

    private readonly LocalChatClientOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly float[] _logits;
    private readonly ChatClientMetadata _metadata;
    private readonly HashSet<int> _eos;
    private IKeyValueCache? _cache;
    private readonly List<int> _cacheIds = [];
    private bool _disposed;

    /// <summary>Creates a client over <paramref name="model"/> and <paramref name="tokenizer"/>.</summary>
    public LocalChatClient(ICausalLanguageModel model, Tokenizer tokenizer, LocalChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Model = model;
        Tokenizer = tokenizer;
        _options = options ?? new LocalChatClientOptions();
        if (_options.DefaultMaxOutputTokens <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.DefaultMaxOutputTokens, "DefaultMaxOutputTokens must be positive.");
        }

        Encoder = _options.Template.CreateEncoder(tokenizer);
        _logits = new float[model.Config.VocabSize];
        _eos = [.. model.Config.EosTokenIds, .. Encoder.StopTokenIds];
        _metadata = new ChatClientMetadata("finitememory-local", null, _options.ModelId);
    }

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The chat template bound to the tokenizer.</summary>
    public ChatPromptEncoder Encoder { get; }

    /// <summary>How many positions the kept cache holds (0 when there is none).</summary>
    public int CachedTokenCount => _cacheIds.Count;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = Prepare(messages, options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(
                () =>
                {
                    Prefill(run, cancellationToken);
                    while (!run.Done)
                    {
                        Step(run, cancellationToken);
                    }

                    run.Text.Flush();
                    return new ChatResponse(new ChatMessage(ChatRole.Assistant, run.Text.Text))
                    {
                        ModelId = _options.ModelId,
                        FinishReason = run.FinishReason,
                        Usage = run.Usage(),
                        CreatedAt = DateTimeOffset.UtcNow,
                    };
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var run = Prepare(messages, options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var responseId = Guid.NewGuid().ToString("N");
            await Task.Run(() => Prefill(run, cancellationToken), cancellationToken).ConfigureAwait(false);
            while (!run.Done)
            {
                var piece = Step(run, cancellationToken);
                if (run.Done)
                {
                    piece += run.Text.Flush();
                }

                if (piece.Length > 0)
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = responseId, ModelId = _options.ModelId };
                }
            }

            yield return new ChatResponseUpdate
            {
                Role = ChatRole.Assistant,
                ResponseId = responseId,
                ModelId = _options.ModelId,
                FinishReason = run.FinishReason,
                Contents = [new UsageContent(run.Usage())],
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the kept cache (the next call computes its whole prompt).</summary>
    public async Task ResetCacheAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DropCache();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with exclusive use of the model (no chat call runs meanwhile), on the thread
    /// pool. The importance sources use it to share the model with the client.
    /// </summary>
    public async Task<T> RunExclusiveAsync<T>(Func<ICausalLanguageModel, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(() => work(Model), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(Model) ? Model
            : serviceType.IsInstanceOfType(Tokenizer) ? Tokenizer
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _disposed = true;
            DropCache();
            if (_options.DisposeModel)
            {
                Model.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Generation Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = Encoder.Encode(messages);
        if (prompt.Count == 0)
        {
            throw new ArgumentException("The prompt is empty: no messages, and a chat template that adds no tokens of its own. Send at least one message.", nameof(messages));
        }

        var maxTokens = options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        if (maxTokens <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxTokens, "MaxOutputTokens must be positive.");
        }

        var limit = Model.Config.MaxPositions;
        if (prompt.Count + maxTokens > limit)
        {
            throw new ArgumentException(
                $"The prompt is {prompt.Count} tokens and the reply may take {maxTokens} more, {prompt.Count + maxTokens} in all, but the model's context holds {limit} positions. " +
                $"Set the memory policy's budget below the model's context (at most {limit - maxTokens} tokens for the window with this reply limit, minus the template's overhead), or lower MaxOutputTokens.",
                nameof(messages));
        }

        var sampling = new SamplingOptions
        {
            Temperature = options?.Temperature,
            TopK = options?.TopK,
            TopP = options?.TopP,
            Seed = options?.Seed,
            RepetitionPenalty = RepetitionPenalty(options),
        };
        var stops = new List<string>(_options.Template.StopSequences);
        if (options?.StopSequences is { } extra)
        {
            stops.AddRange(extra);
        }

        return new Generation(prompt, maxTokens, new TokenSampler(sampling), new GeneratedText(Tokenizer, stops));
    }

    private static float RepetitionPenalty(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue("repetition_penalty", out var value) || value is null)
        {
            return 1f;
        }

        try
        {
            return value switch
            {
                JsonElement { ValueKind: JsonValueKind.Number } e => e.GetSingle(),
                JsonElement { ValueKind: JsonValueKind.String } e => float.Parse(e.GetString()!, CultureInfo.InvariantCulture),
                string s => float.Parse(s, CultureInfo.InvariantCulture),
                IConvertible c => c.ToSingle(CultureInfo.InvariantCulture),
                _ => throw new FormatException(),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or InvalidOperationException)
        {
            throw new ArgumentException("AdditionalProperties[\"repetition_penalty\"] must be a number (1 for none).", nameof(options), ex);
        }
    }

    // Runs the prompt over the longest prefix the kept cache shares with it.
    private void Prefill(Generation run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prompt = run.Context;
        var reused = 0;
        if (_cache is not null && _options.ReuseCache)
        {
            var common = Math.Min(_cacheIds.Count, prompt.Count);
            while (reused < common && _cacheIds[reused] == prompt[reused])
            {
                reused++;
            }

            // The last prompt token is always run: its logits choose the first reply token.
            reused = Math.Min(reused, prompt.Count - 1);
        }

        if (_cache is null || !_options.ReuseCache)
        {
            DropCache();
            _cache = Model.CreateCache();
        }

        _cache.Truncate(reused);
        _cacheIds.RemoveRange(reused, _cacheIds.Count - reused);
        run.Reused = reused;
        Forward(CollectionsMarshalSpan(prompt)[reused..]);
    }

    // Chooses the next token and, unless the reply ends there, runs it.
    private string Step(Generation run, CancellationToken cancellationToken)
    {
        var next = run.Sampler.Next(_logits, CollectionsMarshalSpan(run.Context));
        run.Generated++;
        if (_eos.Contains(next))
        {
            run.Finish(ChatFinishReason.Stop);
            return string.Empty;
        }

        run.Context.Add(next);
        var piece = run.Text.Append(next);
        if (run.Text.Stopped)
        {
            run.Finish(ChatFinishReason.Stop);
        }
        else if (run.Generated >= run.MaxTokens)
        {
            run.Finish(ChatFinishReason.Length);
        }
        else
        {
            cancellationToken.ThrowIfCancellationRequested();
            Forward([next]);
        }

        return piece;
    }

    // Runs tokens over the kept cache; if the model fails, the cache's content is unknown and it is dropped.
    private void Forward(ReadOnlySpan<int> tokens)
    {
        try
        {
            Model.Forward(_cache!, tokens, _logits);
        }
        catch
        {
            DropCache();
            throw;
        }

        foreach (var t in tokens)
        {
            _cacheIds.Add(t);
        }
    }

    private void DropCache()
    {
        _cache?.Dispose();
        _cache = null;
        _cacheIds.Clear();
    }

    private static ReadOnlySpan<int> CollectionsMarshalSpan(List<int> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

    private sealed class Generation(List<int> prompt, int maxTokens, TokenSampler sampler, GeneratedText text)
    {
        public int PromptLength { get; } = prompt.Count;

        public List<int> Context { get; } = prompt;

        public int MaxTokens { get; } = maxTokens;

        public TokenSampler Sampler { get; } = sampler;

        public GeneratedText Text { get; } = text;

        public int Reused { get; set; }

        public int Generated { get; set; }

        public bool Done { get; private set; }

        public ChatFinishReason? FinishReason { get; private set; }

        public void Finish(ChatFinishReason reason)
        {
            Done = true;
            FinishReason = reason;
        }

        public UsageDetails Usage() => new()
        {
            InputTokenCount = PromptLength,
            OutputTokenCount = Generated,
            TotalTokenCount = PromptLength + Generated,
            CachedInputTokenCount = Reused,
            AdditionalCounts = new AdditionalPropertiesDictionary<long>
            {
                [PrefixReusedTokensKey] = Reused,
                [ComputedTokensKey] = PromptLength - Reused,
            },
        };
    }
}
