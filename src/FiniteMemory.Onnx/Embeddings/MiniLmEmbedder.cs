using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace FiniteMemory.Onnx.Embeddings;

/// <summary>
/// An offline <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> running all-MiniLM-L6-v2 with ONNX Runtime:
/// 384-dimension, unit-length sentence embeddings, the same as sentence-transformers' <c>all-MiniLM-L6-v2</c>.
/// </summary>
/// <remarks>
/// <para>
/// The model is read from a folder holding <c>model.onnx</c> and <c>vocab.txt</c>: by default
/// <c>models/all-MiniLM-L6-v2</c> beside the app, where the FiniteMemory.Models.MiniLM package (a dependency of this
/// one) copies it on build and publish; <see cref="MiniLmEmbedderOptions.ModelDirectory"/> names another folder.
/// Nothing is read until an embedder is created.
/// </para>
/// <para>
/// Loading the model takes a second or more, so create one embedder and keep it (or use <see cref="Shared"/>). One
/// embedder is safe for concurrent calls; each call tokenizes its texts, sorts them by length, runs them through the
/// model in batches of <see cref="MiniLmEmbedderOptions.BatchSize"/> (each padded to its own longest text) and returns
/// the embeddings in input order.
/// </para>
/// <para>
/// Each text is cut to its first <see cref="MaxTokens"/> word pieces, counting the [CLS] and [SEP] markers, as
/// sentence-transformers does (<c>max_seq_length</c> 256): longer texts are embedded by their beginning. Empty and
/// white-space texts are valid and get the embedding of the bare [CLS] [SEP] input.
/// </para>
/// <para>
/// The work runs on the calling thread (ONNX Runtime's intra-op threads do the arithmetic); cancellation is checked
/// before every batch and also stops a batch in progress.
/// </para>
/// </remarks>
public sealed class MiniLmEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name, reported as <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/> and on each embedding.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The provider name in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "onnxruntime";

    /// <summary>The length of every embedding.</summary>
    public const int Dimensions = 384;

    /// <summary>The most word pieces of one text the model sees, [CLS] and [SEP] included; the rest is cut.</summary>
    public const int MaxTokens = 256;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private static readonly Lock SharedLock = new();
    private static MiniLmEmbedder? _shared;

    private readonly MiniLmModel _model;
    private readonly int _batchSize;
    private readonly bool _isShared;
    private InferenceSession? _session;
    private int _activeCalls;
    private int _disposed;

    /// <summary>Loads the model into a new ONNX Runtime session.</summary>
    /// <param name="options">The model folder, batch size and threads; the defaults when null.</param>
    /// <exception cref="ArgumentException">An option is out of range or empty; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException">
    /// The model folder does not exist; the message names the folder it looked in and how to get the model there.
    /// </exception>
    /// <exception cref="FileNotFoundException">
    /// The folder has no <c>model.onnx</c> or no <c>vocab.txt</c>; the message names the folder, the file and the fix.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// <c>model.onnx</c> cannot be loaded or is not all-MiniLM-L6-v2, or <c>vocab.txt</c> is not a vocabulary; the
    /// message names the file.
    /// </exception>
    public MiniLmEmbedder(MiniLmEmbedderOptions? options = null)
        : this(options ?? new MiniLmEmbedderOptions(), isShared: false)
    {
    }

    private MiniLmEmbedder(MiniLmEmbedderOptions options, bool isShared)
    {
        options.Validate();
        _model = MiniLmModel.Open(options.ModelDirectory);
        _batchSize = options.BatchSize;
        _isShared = isShared;

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads,
        };
        _session = _model.CreateSession(sessionOptions, InputNames, OutputNames[0]);
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, ModelId, Dimensions);
    }

    /// <summary>
    /// The process-wide embedder with default options (the model in <c>models/all-MiniLM-L6-v2</c> beside the app),
    /// loaded on first use. It is never released: <see cref="Dispose"/> on it does nothing, so any component may use it
    /// without owning it.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist (see the constructor); asked again, it looks again.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (see the constructor).</exception>
    /// <exception cref="InvalidDataException">A model file is invalid (see the constructor).</exception>
    public static MiniLmEmbedder Shared
    {
        get
        {
            if (Volatile.Read(ref _shared) is { } shared)
            {
                return shared;
            }

            // Not Lazy<T>: it would remember a failure (a model not there yet) for the life of the process.
            lock (SharedLock)
            {
                if (_shared is null)
                {
                    Volatile.Write(ref _shared, new MiniLmEmbedder(new MiniLmEmbedderOptions(), isShared: true));
                }

                return _shared;
            }
        }
    }

    /// <summary>Provider "onnxruntime", model "all-MiniLM-L6-v2", 384 dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Embeds the texts, in input order.</summary>
    /// <param name="values">The texts; none may be null (empty and white-space texts are fine).</param>
    /// <param name="options">Only <see cref="EmbeddingGenerationOptions.Dimensions"/> is read: unset or 384.</param>
    /// <param name="cancellationToken">Checked before every batch; a batch in progress is stopped.</param>
    /// <returns>One unit-length 384-dimension embedding per text, with the word pieces fed to the model as usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">A text is null, or other dimensions than 384 are requested.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimensions)
        {
            throw new ArgumentException($"{ModelId} embeddings have {Dimensions} dimensions; {requested} were requested. Leave EmbeddingGenerationOptions.Dimensions unset or set it to {Dimensions}.", nameof(options));
        }

        try
        {
            return Task.FromResult(Generate(values, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Releases the ONNX Runtime session once the calls in progress have finished; later calls throw
    /// <see cref="ObjectDisposedException"/>. Does nothing on <see cref="Shared"/>.
    /// </summary>
    public void Dispose()
    {
        if (_isShared || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _activeCalls) == 0)
        {
            ReleaseSession();
        }
    }

    private GeneratedEmbeddings<Embedding<float>> Generate(IEnumerable<string> values, CancellationToken cancellationToken)
    {
        var session = EnterCall();
        try
        {
            var texts = values as IReadOnlyList<string> ?? values.ToArray();
            var tokens = new int[texts.Count][];
            var order = new int[texts.Count];
            var lengths = new int[texts.Count];
            long tokenCount = 0;
            for (var i = 0; i < texts.Count; i++)
            {
                var text = texts[i] ?? throw new ArgumentException($"The text at index {i} is null; pass an empty string to embed no text.", nameof(values));
                tokens[i] = _model.Tokenize(text, MaxTokens);
                order[i] = i;
                lengths[i] = tokens[i].Length;
                tokenCount += tokens[i].Length;
            }

            // Similar lengths in one batch keep padding, which the model computes and the pooling throws away, small.
            Array.Sort(lengths, order);

            var vectors = new float[texts.Count][];
            for (var start = 0; start < order.Length; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start));
                RunBatch(session, tokens, batch, vectors, cancellationToken);
            }

            var createdAt = DateTimeOffset.UtcNow;
            var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Length)
            {
                Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
            };
            foreach (var vector in vectors)
            {
                embeddings.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = createdAt });
            }

            return embeddings;
        }
        finally
        {
            ExitCall();
        }
    }

    private static void RunBatch(InferenceSession session, int[][] tokens, ReadOnlySpan<int> batch, float[][] vectors, CancellationToken cancellationToken)
    {
        var width = 0;
        foreach (var index in batch)
        {
            width = Math.Max(width, tokens[index].Length);
        }

        // Row-major [rows, width]; padding stays 0 in all three, and token types are 0 for a single segment.
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        var types = new long[batch.Length * width];
        for (var row = 0; row < batch.Length; row++)
        {
            var sequence = tokens[batch[row]];
            for (var t = 0; t < sequence.Length; t++)
            {
                ids[(row * width) + t] = sequence[t];
                mask[(row * width) + t] = 1;
            }
        }

        long[] shape = [batch.Length, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);

        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            // Terminate makes the run fail with an ONNX Runtime error; the caller asked for this, so say so.
            throw new OperationCanceledException(cancellationToken);
        }

        using (outputs)
        {
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            for (var row = 0; row < batch.Length; row++)
            {
                var vector = new float[Dimensions];
                MeanPooling.PoolAndNormalize(hidden, row, width, tokens[batch[row]].Length, vector);
                vectors[batch[row]] = vector;
            }
        }
    }

    // Calls hold the session open; Dispose releases it when none is running (or the last running call does), so
    // disposing never pulls the session from under a running batch.
    private InferenceSession EnterCall()
    {
        Interlocked.Increment(ref _activeCalls);
        var session = Volatile.Read(ref _session);
        if (Volatile.Read(ref _disposed) != 0 || session is null)
        {
            ExitCall();
            throw new ObjectDisposedException(nameof(MiniLmEmbedder));
        }

        return session;
    }

    private void ExitCall()
    {
        if (Interlocked.Decrement(ref _activeCalls) == 0 && Volatile.Read(ref _disposed) != 0)
        {
            ReleaseSession();
        }
    }

    private void ReleaseSession() => Interlocked.Exchange(ref _session, null)?.Dispose();
}
