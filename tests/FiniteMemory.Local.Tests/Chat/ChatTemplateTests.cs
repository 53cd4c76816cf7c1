using FiniteMemory.Local.Chat;
using FiniteMemory.Testing;
using Microsoft.Extensions.AI;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.Chat;

public class ChatTemplateTests
{
    private static readonly List<ChatMessage> Conversation =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Where is Kyoto?"),
        new(ChatRole.Assistant, "In Japan, west of Tokyo."),
        new(ChatRole.User, "And its famous temple?"),
    ];

    [Test]
    public async Task AppendingATurnNeverChangesTheIdsOfEarlierTurns()
    {
        foreach (var template in new[] { ChatTemplate.ChatML, ChatTemplate.Llama3, ChatTemplate.Zephyr })
        {
            var encoder = template.CreateEncoder(TestModels.Gpt2Tokenizer);
            for (var n = 1; n < Conversation.Count; n++)
            {
                var shorter = encoder.Encode(Conversation.Take(n), addGenerationPrompt: false);
                var longer = encoder.Encode(Conversation.Take(n + 1), addGenerationPrompt: false);
                await Assert.That(longer.Take(shorter.Count)).IsEquivalentTo(shorter, CollectionOrdering.Matching);
            }
        }
    }

    [Test]
    public async Task TheGenerationPromptIsTheStartOfTheAssistantMessageThatFollows()
    {
        var encoder = ChatTemplate.ChatML.CreateEncoder(TestModels.Gpt2Tokenizer);
        var prompt = encoder.Encode(Conversation.Take(2));
        var answered = encoder.Encode(Conversation.Take(3), addGenerationPrompt: false);
        await Assert.That(answered.Take(prompt.Count)).IsEquivalentTo(prompt, CollectionOrdering.Matching);
    }

    [Test]
    public async Task ChatMlRendersItsFormatAndSpecialTokensMissingFromTheVocabularyAreText()
    {
        var tokenizer = TestModels.Gpt2Tokenizer;
        var encoder = ChatTemplate.ChatML.CreateEncoder(tokenizer);
        var ids = encoder.Encode(Conversation.Take(2));

        await Assert.That(encoder.IsSpecialToken("<|im_start|>")).IsFalse();
        await Assert.That(tokenizer.Decode(ids)).IsEqualTo("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhere is Kyoto?<|im_end|>\n<|im_start|>assistant\n");
    }

    [Test]
    public async Task ASpecialTokenInTheVocabularyIsOneId()
    {
        var tokenizer = TestModels.Gpt2Tokenizer;
        var template = ChatTemplate.Custom("eot", "{role}: {content}<|endoftext|>", "assistant:", ["<|endoftext|>"], ["<|endoftext|>"]);
        var encoder = template.CreateEncoder(tokenizer);
        var ids = encoder.Encode([new ChatMessage(ChatRole.User, "hi")], addGenerationPrompt: false);

        await Assert.That(ids[^1]).IsEqualTo(50256);
        await Assert.That(ids.Count(static id => id == 50256)).IsEqualTo(1);
        await Assert.That(encoder.StopTokenIds).IsEquivalentTo(new[] { 50256 }, CollectionOrdering.Matching);
    }

    [Test]
    public async Task ACustomFormatWithoutContentIsRejected()
    {
        await Assert.That(() => ChatTemplate.Custom("bad", "{role}:", "assistant:")).Throws<ArgumentException>();
        await Assert.That(() => ChatTemplate.FromName("nope")).Throws<ArgumentException>();
        await Assert.That(ChatTemplate.FromName("LLAMA3")).IsSameReferenceAs(ChatTemplate.Llama3);
    }
}
