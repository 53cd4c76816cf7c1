using FiniteMemory.Http.Replicate;
using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Tests.Replicate;

/// <summary>How a conversation becomes a Replicate model's prompt.</summary>
public class ReplicatePromptTemplateTests
{
    [Test]
    public async Task SystemMessagesGoToTheSystemPromptAndTheRestIsWrittenInOrder()
    {
        var prompt = ReplicatePromptTemplate.ChatML.Render(
        [
            new(ChatRole.System, "Rule one."),
            new(ChatRole.User, "Hi"),
            new(ChatRole.System, "Rule two."),
            new(ChatRole.Assistant, "Hello!"),
            new(ChatRole.User, "Bye"),
        ]);

        await Assert.That(prompt.SystemPrompt).IsEqualTo("Rule one.\n\nRule two.");
        await Assert.That(prompt.Prompt).IsEqualTo(
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
        await Assert.That(prompt.ModelPromptTemplate).IsNull();
    }

    [Test]
    public async Task ChatOptionsInstructionsOpenTheSystemPrompt()
    {
        var prompt = ReplicatePromptTemplate.Plain.Render(
            [new(ChatRole.System, "Be kind."), new(ChatRole.User, "Hi")],
            new ChatOptions { Instructions = "Answer in French." });

        await Assert.That(prompt.SystemPrompt).IsEqualTo("Answer in French.\n\nBe kind.");
    }

    [Test]
    public async Task TheLlama3TemplateAlsoSendsAModelTemplateThatAddsOnlyTheSystemTurn()
    {
        var prompt = ReplicatePromptTemplate.Llama3.Render([new(ChatRole.User, "Hi")]);

        await Assert.That(prompt.SystemPrompt).IsNull();
        await Assert.That(prompt.Prompt).IsEqualTo("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
        await Assert.That(prompt.ModelPromptTemplate).IsEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system_prompt}<|eot_id|>{prompt}");
    }

    [Test]
    public async Task FunctionCallsAndResultsFromEarlierTurnsAreWrittenAsText()
    {
        var prompt = ReplicatePromptTemplate.Plain.Render(
        [
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "-3 °C, snow")]),
            new(ChatRole.User, "Thanks"),
        ]);

        await Assert.That(prompt.Prompt).IsEqualTo(
            "User: Weather?\n\nAssistant: [called get_weather({\"city\":\"Oslo\"})]\n\nTool: -3 °C, snow\n\nUser: Thanks\n\nAssistant:");
    }

    [Test]
    public async Task ContentThatLooksLikeAPlaceholderIsWrittenAsItIs()
    {
        var template = ReplicatePromptTemplate.Plain with { Message = "[{role}] {content}\n" };

        var prompt = template.Render([new(ChatRole.User, "Print {role} and {content} literally")]);

        await Assert.That(prompt.Prompt).IsEqualTo("[User] Print {role} and {content} literally\nAssistant:");
    }

    [Test]
    public async Task AConversationOfOnlySystemMessagesIsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Task.FromResult(ReplicatePromptTemplate.Llama3.Render([new(ChatRole.System, "Only rules.")])));

        await Assert.That(error!.Message).Contains("no user or assistant message");
    }

    [Test]
    public async Task SettingsReplaceTheMessageTemplateAndCanStopSendingTheModelTemplate()
    {
        await using var fake = await ReplicateFixture.StartAsync();
        fake.OnCreate(() => FakeResponse.Json(fake.Prediction("succeeded", output: "\"ok\"")));
        using var client = fake.Client(configure: s =>
        {
            s.PromptFormat = ReplicatePromptFormat.Llama3;
            s.MessageTemplate = "<{role}>{content}</{role}>";
            s.GenerationPrompt = "<assistant>";
            s.ModelPromptTemplate = string.Empty;
        });

        await client.GetResponseAsync([new(ChatRole.System, "Sys"), new(ChatRole.User, "Hi")]);

        var input = fake.Server.Requests.Single().Json.GetProperty("input");
        await Assert.That(input.GetProperty("prompt").GetString()).IsEqualTo("<user>Hi</user><assistant>");
        await Assert.That(input.GetProperty("system_prompt").GetString()).IsEqualTo("Sys");
        await Assert.That(input.TryGetProperty("prompt_template", out _)).IsFalse();
    }
}
