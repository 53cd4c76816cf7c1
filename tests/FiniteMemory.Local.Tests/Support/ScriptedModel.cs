using System.Text;

namespace FiniteMemory.Local.Tests.Support;

/// <summary>
/// A model that answers a fixed token sequence: after each forward pass its logits put the next scripted id on top
/// (then EOS), so greedy decoding through <see cref="LocalChatClient"/> produces exactly <paramref name="reply"/>.
/// </summary>
internal sealed class ScriptedModel(IReadOnlyList<int> reply, int vocabularySize, int eos) : ICausalLanguageModel
{
    private int _next;

    public ModelConfig Config { get; } = ModelConfig.Parse(
        new MemoryStream(Encoding.UTF8.GetBytes($$"""{"model_type": "llama", "vocab_size": {{vocabularySize}}, "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1, "intermediate_size": 16, "max_position_embeddings": 512, "eos_token_id": {{eos}}}""")),
        "scripted");

    public IKeyValueCache CreateCache()
    {
        _next = 0;
        return new Cache();
    }

    public void Forward(IKeyValueCache cache, ReadOnlySpan<int> tokens, Span<float> logits)
    {
        ((Cache)cache).Length += tokens.Length;
        logits.Clear();
        logits[_next < reply.Count ? reply[_next] : eos] = 1f;
        _next++;
    }

    public void Dispose()
    {
    }

    private sealed class Cache : IKeyValueCache
    {
        public int Length { get; set; }

        public void Truncate(int length) => Length = length;

        public void Dispose()
        {
        }
    }
}
