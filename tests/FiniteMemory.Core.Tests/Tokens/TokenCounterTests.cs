using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Tests.Tokens;

public class TokenCounterTests
{
    private static readonly TokenCounter Counter = TokenCounter.Default;

    [Test]
    public async Task AUserMessageCostsItsFramingRoleAndText()
    {
        // 3 framing + "user" (1) + "hello" (1)
        await Assert.That(Counter.CountMessage(new ChatMessage(ChatRole.User, "hello"))).IsEqualTo(5);
    }

    [Test]
    public async Task AnAuthorNameCostsOneTokenPlusTheName()
    {
        var plain = Counter.CountMessage(new ChatMessage(ChatRole.User, "hello"));
        var named = Counter.CountMessage(new ChatMessage(ChatRole.User, "hello") { AuthorName = "maya" });
        await Assert.That(named - plain).IsEqualTo(1 + Counter.CountTokens("maya"));
    }

    [Test]
    public async Task AFunctionCallCostsItsFramingNameAndJsonArguments()
    {
        var call = new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Kyoto", ["days"] = 3 });
        var message = new ChatMessage(ChatRole.Assistant, [call]);
        var expected = 3 + Counter.CountTokens("assistant") + 3 + Counter.CountTokens("get_weather") + Counter.CountTokens("{\"city\":\"Kyoto\",\"days\":3}");
        await Assert.That(Counter.CountMessage(message)).IsEqualTo(expected);
    }

    [Test]
    public async Task AFunctionResultCostsItsTextAsTheModelSeesIt()
    {
        var message = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "{\"temp\":12}")]);
        await Assert.That(Counter.CountMessage(message)).IsEqualTo(3 + Counter.CountTokens("tool") + Counter.CountTokens("{\"temp\":12}"));
    }

    [Test]
    public async Task AnEmptyMessageCostsOnlyItsFraming()
    {
        await Assert.That(Counter.CountMessage(new ChatMessage(ChatRole.User, []))).IsEqualTo(3 + Counter.CountTokens("user"));
    }

    [Test]
    public async Task ToolDefinitionsAreCountedWithTheirSchema()
    {
        var tool = AIFunctionFactory.Create((string city, int days) => city + days, "get_forecast", "Forecast for a city.");
        var tokens = Counter.CountTools([tool]);
        var floor = Counter.CountTokens("get_forecast") + Counter.CountTokens("Forecast for a city.") + Counter.CountTokens(tool.JsonSchema.GetRawText());
        await Assert.That(tokens).IsGreaterThan(floor);
        await Assert.That(Counter.CountTools(null)).IsEqualTo(0);
    }

    [Test]
    public async Task ACounterOverTheLibrarysTokenizerCountsLikeThePreset()
    {
        var library = TokenCounter.FromTokenizer(TiktokenTokenizer.CreateForEncoding("o200k_base"), "o200k-library");
        var message = new ChatMessage(ChatRole.User, "Die Buchung QX7-42B für 東京 am 14. März — don't forget 🙂");
        await Assert.That(library.CountMessage(message)).IsEqualTo(Counter.CountMessage(message));
    }

    [Test]
    [Arguments("o200k", "o200k")]
    [Arguments("O200K_BASE", "o200k")]
    [Arguments("cl100k", "cl100k")]
    [Arguments("cl100k_base", "cl100k")]
    [Arguments("gpt2", "gpt2")]
    [Arguments("r50k_base", "gpt2")]
    public async Task PresetsAreFoundByTheirNames(string name, string canonical)
    {
        await Assert.That(TokenCounter.For(name).Name).IsEqualTo(canonical);
    }

    [Test]
    public async Task AnUnknownPresetNameIsRejectedWithTheKnownNames()
    {
        var error = await Assert.That(() => TokenCounter.For("llama3")).ThrowsExactly<ArgumentException>();
        await Assert.That(error!.Message).Contains("Unknown tokenizer 'llama3'");
        await Assert.That(error.Message).Contains("o200k, cl100k, gpt2");
    }

    [Test]
    public async Task PresetCountersAreSharedInstances()
    {
        await Assert.That(TokenCounter.For(TokenizerPreset.Cl100k)).IsSameReferenceAs(TokenCounter.For("cl100k"));
    }
}
