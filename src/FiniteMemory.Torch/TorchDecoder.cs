using System.Diagnostics.CodeAnalysis;
using FiniteMemory.Local;
using FiniteMemory.Local.SafeTensors;
using FiniteMemory.Torch.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace FiniteMemory.Torch;

/// <summary>
/// A GPT-2 or Llama-family decoder run with TorchSharp (libtorch, CPU, float32), loaded from a Hugging Face folder
/// (<c>config.json</c> + <c>model.safetensors</c>). Implements the local-model contract: forward passes over a
/// key/value cache it owns, and the attention each cached position received, for the importance policy.
/// </summary>
/// <remarks>Not thread-safe: one forward pass at a time (the <see cref="LocalChatClient"/> serializes its calls).</remarks>
[Experimental(TorchBackends.ExperimentalId)]
public abstract class TorchDecoder : ICausalLanguageModel, IAttentionReporter
{
    private readonly List<Tensor> _owned = [];
    private bool _disposed;

    private protected TorchDecoder(ModelConfig config) => Config = config;

    /// <inheritdoc />
    public ModelConfig Config { get; }

    /// <summary>
    /// Loads the model in <paramref name="folder"/>: <c>config.json</c> (GPT-2 or Llama family) and
    /// <c>model.safetensors</c> (F32, F16 or BF16; computed in float32).
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="threads">libtorch's intra-op threads (null: libtorch's default).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json or model.safetensors is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or a tensor is missing or has the wrong shape; the message names it.</exception>
    public static TorchDecoder Load(string folder, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The model folder '{folder}' does not exist. Point the torch backend's Model (or the 'path' option) at a folder with config.json and model.safetensors.");
        }

        var configPath = Path.Combine(folder, "config.json");
        var weightsPath = Path.Combine(folder, "model.safetensors");
        foreach (var path in (ReadOnlySpan<string>)[configPath, weightsPath])
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The model folder '{folder}' has no '{Path.GetFileName(path)}'; a Hugging Face model folder needs config.json and model.safetensors (sharded checkpoints are not supported: merge them into one file).", path);
            }
        }

        var config = ModelConfig.Load(configPath);
        TorchNativeLoader.EnsureLoaded();
        if (threads is int n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(threads));
            set_num_threads(n);
        }

        using var weights = SafeTensorsFile.Open(weightsPath);
        using var noGrad = no_grad();
        return config.Architecture == ModelArchitecture.Gpt2 ? new Gpt2Decoder(config, weights) : new LlamaDecoder(config, weights);
    }

    /// <inheritdoc />
    public IKeyValueCache CreateCache()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new TorchKeyValueCache(this, Config.Layers, Config.KeyValueHeads, Config.HeadSize, Config.MaxPositions);
    }

    /// <inheritdoc />
    public void Forward(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits) => Run(cache, tokens, logits, default, attention: false);

    /// <inheritdoc />
    public void ForwardWithAttention(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits, Span<float> attentionReceived) =>
        Run(cache, tokens, logits, attentionReceived, attention: true);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var t in _owned)
        {
            t.Dispose();
        }

        _owned.Clear();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs the layers over <paramref name="x"/> (<c>[T, hidden]</c>, positions <paramref name="past"/>…) and returns the final hidden states.</summary>
    private protected abstract Tensor Layers(TorchKeyValueCache cache, Tensor x, Tensor ids, int past, Tensor? received);

    /// <summary>Embeds the tokens (<c>[T, hidden]</c>).</summary>
    private protected abstract Tensor Embed(Tensor ids, int past);

    /// <summary>The output projection, <c>[vocab, hidden]</c>.</summary>
    private protected abstract Tensor OutputWeight { get; }

    /// <summary>Reads a tensor as a float32 tensor of the expected shape, owned by the model.</summary>
    private protected Tensor Weight(SafeTensorsFile file, string name, params long[] shape)
    {
        if (!file.Contains(name))
        {
            throw new InvalidDataException($"{file.Path}: the tensor '{name}' is missing; is this a {Config.Architecture} checkpoint in Hugging Face layout?");
        }

        var info = file[name];
        if (!info.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"{file.Path}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", shape)}].");
        }

        var tensor = empty(shape, ScalarType.Float32);
        tensor.DetachFromDisposeScope();
        unsafe
        {
            file.ReadFloats(name, new Span<float>((void*)TorchNativeLoader.DataPointer(tensor), checked((int)info.ElementCount)));
        }

        _owned.Add(tensor);
        return tensor;
    }

    /// <summary>Keeps a tensor computed at load time (e.g. a transposed weight) alive as long as the model.</summary>
    private protected Tensor Own(Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        _owned.Add(tensor);
        return tensor;
    }

    /// <summary>
    /// Causal attention of <paramref name="q"/> (<c>[heads, T, hd]</c>, positions past…) over the cache's first
    /// past+T keys and values (<c>[kvHeads, L, hd]</c>), with grouped-query heads sharing key/value heads. Adds the
    /// attention each position received (summed over heads and queries) to <paramref name="received"/>.
    /// </summary>
    private protected Tensor Attend(TorchKeyValueCache cache, int layer, Tensor q, int past, Tensor? received)
    {
        var t = q.shape[1];
        var length = past + t;
        var keys = cache.Keys(layer, length);
        var values = cache.Values(layer, length);
        var group = Config.Heads / Config.KeyValueHeads;
        if (group > 1)
        {
            keys = keys.repeat_interleave(group, 0);
            values = values.repeat_interleave(group, 0);
        }

        if (received is null)
        {
            // No report wanted: libtorch's fused attention. A boolean mask marks what each query may see (query i
            // sits at position past+i); is_causal would align the triangle to the top-left, wrong over a cache.
            using var allowed = t > 1 ? ones(t, length, dtype: ScalarType.Bool).tril(past) : null;
            return nn.functional.scaled_dot_product_attention(q, keys, values, allowed).transpose(0, 1).reshape(t, Config.HiddenSize);
        }

        var scores = matmul(q, keys.transpose(1, 2)).mul_(1.0 / Math.Sqrt(Config.HeadSize));
        if (t > 1)
        {
            // Query i sits at position past+i and may see positions up to it.
            var mask = ones(t, length, dtype: ScalarType.Bool).triu(past + 1);
            scores = scores.masked_fill(mask, float.NegativeInfinity);
        }

        var probs = scores.softmax(-1);
        received.add_(probs.sum([0L, 1L]));

        return matmul(probs, values).transpose(0, 1).reshape(t, Config.HiddenSize);
    }

    private void Run(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits, Span<float> attentionReceived, bool attention)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cache is not TorchKeyValueCache c || c.Owner != this)
        {
            throw new ArgumentException("The cache was not created by this model; use CreateCache().", nameof(cache));
        }

        if (tokens.IsEmpty)
        {
            throw new ArgumentException("At least one token is needed.", nameof(tokens));
        }

        var vocab = Config.VocabSize;
        var allRows = logits.Length == (long)tokens.Length * vocab;
        if (!allRows && logits.Length != vocab)
        {
            throw new ArgumentException($"logits must hold {vocab} floats (last position) or {tokens.Length} × {vocab} (every position), not {logits.Length}.", nameof(logits));
        }

        var past = c.Length;
        if (past + tokens.Length > Config.MaxPositions)
        {
            throw new ArgumentException(
                $"The cache would hold {past + tokens.Length} positions but the model's context is {Config.MaxPositions}. Set the memory policy's budget below the model's context.",
                nameof(tokens));
        }

        foreach (var id in tokens)
        {
            if ((uint)id >= (uint)vocab)
            {
                throw new ArgumentException($"Token id {id} is outside the vocabulary (0…{vocab - 1}); is the tokenizer the model's own?", nameof(tokens));
            }
        }

        if (attention && attentionReceived.Length != past + tokens.Length)
        {
            throw new ArgumentException($"attentionReceived must hold one float per position of the cache after the call ({past + tokens.Length}).", nameof(attentionReceived));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var idArray = new long[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            idArray[i] = tokens[i];
        }

        var ids = tensor(idArray, ScalarType.Int64);
        var received = attention ? zeros(past + tokens.Length, dtype: ScalarType.Float32) : null;
        c.Reserve(tokens.Length);
        var hidden = Layers(c, Embed(ids, past), ids, past, received);
        c.Advance(tokens.Length);

        var rows = allRows ? hidden : hidden.narrow(0, tokens.Length - 1, 1);
        var output = matmul(rows, OutputWeight.t()).contiguous();
        unsafe
        {
            new ReadOnlySpan<float>((void*)TorchNativeLoader.DataPointer(output), logits.Length).CopyTo(logits);
        }

        if (received is not null)
        {
            var r = received.contiguous();
            unsafe
            {
                var values = new ReadOnlySpan<float>((void*)TorchNativeLoader.DataPointer(r), attentionReceived.Length);
                for (var i = 0; i < values.Length; i++)
                {
                    attentionReceived[i] += values[i];
                }
            }
        }
    }
}
