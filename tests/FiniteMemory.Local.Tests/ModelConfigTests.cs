using System.Text;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests;

public class ModelConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfig.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "config.json");

    private static readonly string Llama = "'model_type': 'llama', 'vocab_size': 100, 'hidden_size': 64, 'num_hidden_layers': 2, 'num_attention_heads': 4, 'num_key_value_heads': 2, 'intermediate_size': 128, 'max_position_embeddings': 512".Replace('\'', '"');

    [Test]
    public async Task AnEosTokenIdArrayGivesEveryIdAndTheFirstAsTheId()
    {
        var config = Parse("{" + Llama + """, "eos_token_id": [128001, 128008, 128009]}""");
        await Assert.That(config.EosTokenIds).IsEquivalentTo(new[] { 128001, 128008, 128009 }, CollectionOrdering.Matching);
        await Assert.That(config.EosTokenId).IsEqualTo(128001);
        await Assert.That(config.KeyValueHeads).IsEqualTo(2);
    }

    [Test]
    public async Task ASingleEosTokenIdIsTheOnlyOne()
    {
        var config = Parse("{" + Llama + """, "eos_token_id": 2}""");
        await Assert.That(config.EosTokenIds).IsEquivalentTo(new[] { 2 }, CollectionOrdering.Matching);
        await Assert.That(config.EosTokenId).IsEqualTo(2);
    }

    [Test]
    public async Task ANullOrMissingEosTokenIdGivesNone()
    {
        await Assert.That(Parse("{" + Llama + """, "eos_token_id": null}""").EosTokenIds.Count).IsEqualTo(0);
        await Assert.That(Parse("{" + Llama + "}").EosTokenId).IsNull();
    }

    [Test]
    public async Task AnEosTokenIdOfAnotherKindIsAClearError()
    {
        var ex = await Assert.That(() => Parse("{" + Llama + """, "eos_token_id": {"a": 1}}""")).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains("config.json");
    }
}
