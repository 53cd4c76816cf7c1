using FiniteMemory.Local;
using Microsoft.ML.OnnxRuntime;

namespace FiniteMemory.Onnx.Decoding;

/// <summary>
/// A decoder-only language model run by ONNX Runtime from a graph in Hugging Face Optimum's with-past layout: inputs
/// <c>input_ids</c>, <c>attention_mask</c>, optional <c>position_ids</c> and <c>past_key_values.{i}.key</c> /
/// <c>.value</c> ([batch, key/value heads, past positions, head size]); outputs <c>logits</c> and
/// <c>present.{i}.key</c> / <c>.value</c>.
/// </summary>
/// <remarks>
/// <para>
/// The key/value cache lives in pinned managed buffers that ONNX Runtime reads the past from and writes the present
/// into directly (two per tensor, swapped after each pass), so a decoding step neither allocates nor copies the cache
/// on the managed side; the graph itself still concatenates past and new positions, as the layout requires. The graph
/// computes logits for every position it is given; <see cref="Forward"/> keeps the last row or all of them. When only
/// the last row is wanted, a long prompt runs in pieces of <see cref="OnnxDecoderOptions.PrefillChunk"/> tokens, so
/// the logits buffer stays small whatever the window.
/// </para>
/// <para>Like every <see cref="ICausalLanguageModel"/>, one forward pass at a time.</para>
/// </remarks>
public sealed class OnnxCausalLanguageModel : ICausalLanguageModel
{
    /// <summary>The model configuration's file name inside a model folder.</summary>
    public const string ConfigFile = "config.json";

    // Logits of more rows than this are not kept between calls: a long prompt's rows are large (rows × vocabulary).
    private const int RetainedLogitRows = 16;

    private readonly DecoderGraph _graph;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _mask;
    private readonly RunOptions _runOptions = new();
    private InferenceSession? _session;
    private long[] _ids = [];
    private long[] _positions = [];
    private readonly int _prefillChunk;
    private float[] _logits = [];

    /// <summary>Loads the graph at <paramref name="modelPath"/> with the dimensions of <paramref name="config"/>.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="config">The model's configuration (its <c>config.json</c>).</param>
    /// <param name="options">Threads; the defaults when null (<see cref="OnnxDecoderOptions.ModelFile"/> is not used here).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// ONNX Runtime cannot load the file, or the graph is not a with-past decoder matching <paramref name="config"/>;
    /// the message names the missing or mismatched input or output.
    /// </exception>
    public OnnxCausalLanguageModel(string modelPath, ModelConfig config, OnnxDecoderOptions? options = null)
        : this(modelPath, config, options ?? new OnnxDecoderOptions(), "the model configuration")
    {
    }

    private OnnxCausalLanguageModel(string modelPath, ModelConfig config, OnnxDecoderOptions options, string configSource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(config);
        options.Validate();
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"The ONNX model '{modelPath}' does not exist.", modelPath);
        }

        Config = config;
        ModelPath = modelPath;
        _prefillChunk = (int)Math.Clamp(Array.MaxLength / config.VocabSize, 1, options.PrefillChunk);
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads,
        };
        try
        {
            _session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{modelPath}: ONNX Runtime cannot load this graph ({ex.Message}).", ex);
        }

        try
        {
            _graph = DecoderGraph.Validate(_session, config, modelPath, configSource);
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        var inputs = new List<string> { DecoderGraph.InputIds, DecoderGraph.AttentionMask };
        if (_graph.HasPositionIds)
        {
            inputs.Add(DecoderGraph.PositionIds);
        }

        var outputs = new List<string> { DecoderGraph.Logits };
        for (var layer = 0; layer < config.Layers; layer++)
        {
            inputs.Add(_graph.PastKeys[layer]);
            inputs.Add(_graph.PastValues[layer]);
            outputs.Add(_graph.PresentKeys[layer]);
            outputs.Add(_graph.PresentValues[layer]);
        }

        _inputNames = [.. inputs];
        _outputNames = [.. outputs];

        // Batches of one, never padded: the attention mask is all ones.
        _mask = GC.AllocateArray<long>(config.MaxPositions, pinned: true);
        Array.Fill(_mask, 1L);
    }

    /// <summary>The model's dimensions.</summary>
    public ModelConfig Config { get; }

    /// <summary>The ONNX file the model was loaded from.</summary>
    public string ModelPath { get; }

    /// <summary>Whether the graph takes <c>position_ids</c> (otherwise it derives positions from the attention mask).</summary>
    public bool UsesPositionIds => _graph.HasPositionIds;

    /// <summary>
    /// Loads a model folder: the graph (<see cref="OnnxDecoderOptions.ModelFile"/>, <c>model.onnx</c> by default) and
    /// <c>config.json</c>. The tokenizer in the folder is read by the chat client, not by the model.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Which graph and how many threads; the defaults when null.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The graph or <c>config.json</c> is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">The configuration or the graph is invalid or they do not match; the message names the file and the field, input or output.</exception>
    public static OnnxCausalLanguageModel Load(string folder, OnnxDecoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options ??= new OnnxDecoderOptions();
        options.Validate();
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The model folder '{folder}' does not exist. It must hold the decoder's ONNX graph ({options.ModelFile}), {ConfigFile} and the tokenizer.");
        }

        var modelPath = Path.Combine(folder, options.ModelFile);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"The model folder '{folder}' has no '{options.ModelFile}'. Put the decoder's ONNX graph there (exported with its key/value cache, e.g. 'optimum-cli export onnx --task text-generation-with-past'), or name the file with the model-file setting.", modelPath);
        }

        var configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"The model folder '{folder}' has no '{ConfigFile}'. Copy the model's Hugging Face config.json beside the graph: it gives the layers, heads and positions.", configPath);
        }

        return new OnnxCausalLanguageModel(modelPath, ModelConfig.Load(configPath), options, configPath);
    }

    /// <inheritdoc />
    public IKeyValueCache CreateCache()
    {
        ObjectDisposedException.ThrowIf(_session is null, this);
        return new OnnxKeyValueCache(this, Config);
    }

    /// <inheritdoc />
    public void Forward(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits)
    {
        var session = _session;
        ObjectDisposedException.ThrowIf(session is null, this);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache is not OnnxKeyValueCache kv || !ReferenceEquals(kv.Owner, this))
        {
            throw new ArgumentException("The cache was not created by this model: use this model's CreateCache().", nameof(cache));
        }

        ObjectDisposedException.ThrowIf(kv.IsDisposed, kv);
        var count = tokens.Length;
        if (count == 0)
        {
            throw new ArgumentException("Forward needs at least one token.", nameof(tokens));
        }

        var past = kv.Length;
        var total = past + count;
        if (total > Config.MaxPositions)
        {
            throw new ArgumentException(
                $"The window needs {total} positions ({past} cached + {count} new) but the model attends over at most {Config.MaxPositions} (n_positions / max_position_embeddings in config.json). Set the memory policy's budget below {Config.MaxPositions} tokens, leaving room for the reply.",
                nameof(tokens));
        }

        var vocab = Config.VocabSize;
        for (var i = 0; i < count; i++)
        {
            if ((uint)tokens[i] >= (uint)vocab)
            {
                throw new ArgumentException($"Token id {tokens[i]} at index {i} is outside the vocabulary (0 to {vocab - 1}).", nameof(tokens));
            }
        }

        if (logits.Length == vocab && count > _prefillChunk)
        {
            // Only the last row is wanted, but the graph computes every given position's logits: run the prompt in
            // pieces so the buffer holds at most a piece's rows (2,048 tokens of a 150k vocabulary would be 1.2 GB).
            // A piece that fails takes the cache back to where the call found it.
            try
            {
                var start = 0;
                while (start < count)
                {
                    var length = Math.Min(_prefillChunk, count - start);
                    Run(session, kv, tokens.Slice(start, length), logits, lastRowOnly: true);
                    start += length;
                }
            }
            catch
            {
                if (!kv.IsDisposed && kv.Length > past)
                {
                    kv.Truncate(past);
                }

                throw;
            }
            finally
            {
                ReleaseLargeLogits();
            }

            return;
        }

        // With every row asked for, count × vocab floats must fit one array.
        var rowsNeeded = (long)count * vocab;
        if (logits.Length != vocab && rowsNeeded > Array.MaxLength)
        {
            throw new ArgumentException($"{count} new tokens at once need {rowsNeeded:N0} logits ({count} × {vocab} vocabulary), more than one array holds; run the prompt in smaller pieces (the cache keeps what earlier pieces computed).", nameof(tokens));
        }

        if (logits.Length != vocab && logits.Length != rowsNeeded)
        {
            throw new ArgumentException($"The logits span has {logits.Length} floats; it must hold the last position's {vocab} or all {count} positions' {rowsNeeded}.", nameof(logits));
        }

        try
        {
            Run(session, kv, tokens, logits, lastRowOnly: logits.Length == vocab);
        }
        finally
        {
            ReleaseLargeLogits();
        }
    }

    // One pass of the graph over validated tokens, appending to the cache and writing the last row or every row.
    private void Run(InferenceSession session, OnnxKeyValueCache kv, ReadOnlySpan<int> tokens, Span<float> logits, bool lastRowOnly)
    {
        var vocab = Config.VocabSize;
        var count = tokens.Length;
        var past = kv.Length;
        var total = past + count;
        Grow(ref _ids, count);
        for (var i = 0; i < count; i++)
        {
            _ids[i] = tokens[i];
        }

        var rows = count * vocab;
        if (_logits.Length < rows)
        {
            _logits = GC.AllocateUninitializedArray<float>(rows, pinned: true);
        }

        var inputs = new OrtValue[_inputNames.Length];
        var outputs = new OrtValue[_outputNames.Length];
        try
        {
            var n = 0;
            inputs[n++] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, count), [1, count]);
            inputs[n++] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, total), [1, total]);
            if (_graph.HasPositionIds)
            {
                Grow(ref _positions, count);
                for (var i = 0; i < count; i++)
                {
                    _positions[i] = past + i;
                }

                inputs[n++] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(0, count), [1, count]);
            }

            outputs[0] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _logits.AsMemory(0, rows), [1, count, vocab]);
            long[] pastShape = [1, kv.Heads, past, kv.HeadSize];
            long[] presentShape = [1, kv.Heads, total, kv.HeadSize];
            for (var t = 0; t < kv.Count; t++)
            {
                inputs[n++] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, kv.Past(t), pastShape);
                outputs[t + 1] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, kv.Present(t, total), presentShape);
            }

            session.Run(_runOptions, _inputNames, inputs, _outputNames, outputs);
        }
        finally
        {
            foreach (var value in inputs.Concat(outputs))
            {
                value?.Dispose();
            }
        }

        kv.Commit(total);
        var result = lastRowOnly ? _logits.AsSpan(rows - vocab, vocab) : _logits.AsSpan(0, rows);
        result.CopyTo(logits);
    }

    // A prompt's rows are dropped once its call ends (the pieces of one call share them); a decoding step's are kept.
    private void ReleaseLargeLogits()
    {
        if (_logits.Length > RetainedLogitRows * Config.VocabSize)
        {
            _logits = [];
        }
    }

    /// <summary>Releases the ONNX Runtime session. Caches created by the model can no longer be used with it.</summary>
    public void Dispose()
    {
        _session?.Dispose();
        _session = null;
        _runOptions.Dispose();
    }

    private static void Grow(ref long[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<long>(Math.Max(length, 2 * buffer.Length), pinned: true);
        }
    }
}
