using FiniteMemory.Http.Tests.Fakes;
using Microsoft.Extensions.AI;
using static FiniteMemory.Http.Tests.Support.Conversations;

namespace FiniteMemory.Http.Tests.Gemini;

/// <summary>
/// Thought signatures (https://ai.google.dev/gemini-api/docs/thought-signatures): each goes back in the part it came in,
/// which Gemini 3 requires of function calls.
/// </summary>
public class GeminiThoughtSignatureTests
{
    // A Gemini 3 function-calling step: a thought summary (unsigned), then the call carrying the step's signature.
    internal const string SignedCallAnswer = """
        {"candidates":[{"content":{"role":"model","parts":[
           {"text":"The user asks for Bergen's weather; get_weather answers that.","thought":true},
           {"functionCall":{"name":"get_weather","args":{"city":"Bergen"}},"thoughtSignature":"CiQBVKhc7Sig_A0/+x=="}]},
         "finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":8,"thoughtsTokenCount":25,"totalTokenCount":73},"modelVersion":"gemini-3-test"}
        """;

    // Parallel calls: only the first carries a signature.
    private const string ParallelCallsAnswer = """
        {"candidates":[{"content":{"role":"model","parts":[
           {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"Sig_A_parallel"},
           {"functionCall":{"name":"get_weather","args":{"city":"London"}}}]},
         "finishReason":"STOP","index":0}],"modelVersion":"gemini-3-test"}
        """;

    internal const string TextAnswer = """
        {"candidates":[{"content":{"role":"model","parts":[{"text":"Sunny in Bergen.","thoughtSignature":"Sig_text"}]},"finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":60,"candidatesTokenCount":5,"totalTokenCount":65},"modelVersion":"gemini-3-test"}
        """;

    private static IEnumerable<SseEvent> StreamedSignedCall()
    {
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":"Bergen's weather: call get_weather.","thought":true}]},"index":0}],"modelVersion":"gemini-3-test","responseId":"r_1"}""");
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Bergen"}},"thoughtSignature":"Sig_B_stream"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":8,"thoughtsTokenCount":20,"totalTokenCount":68},"modelVersion":"gemini-3-test","responseId":"r_1"}""");
    }

    // A streamed text answer: the signature arrives in a last part with empty text, as the docs warn.
    private static IEnumerable<SseEvent> StreamedTextWithTrailingSignature()
    {
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":"Sunny "}]},"index":0}],"modelVersion":"gemini-3-test","responseId":"r_2"}""");
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":"in Bergen."}]},"index":0}],"modelVersion":"gemini-3-test","responseId":"r_2"}""");
        yield return SseEvent.Unnamed("""{"candidates":[{"content":{"role":"model","parts":[{"text":"","thoughtSignature":"Sig_C_trailing"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":60,"candidatesTokenCount":4,"totalTokenCount":64},"modelVersion":"gemini-3-test","responseId":"r_2"}""");
    }

    [Test]
    public async Task AFunctionCallsSignatureFollowsItAsProtectedReasoningAndTheSummaryIsUnsigned()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(SignedCallAnswer));
        using var client = GeminiChatClientTests.Client(server);

        var response = await client.GetResponseAsync("Weather in Bergen?", WeatherOptions());

        var contents = response.Messages.Single().Contents;
        await Assert.That(contents.Count).IsEqualTo(3);
        await Assert.That(((TextReasoningContent)contents[0]).Text).IsEqualTo("The user asks for Bergen's weather; get_weather answers that.");
        await Assert.That(((TextReasoningContent)contents[0]).ProtectedData).IsNull();
        await Assert.That(((FunctionCallContent)contents[1]).Name).IsEqualTo("get_weather");
        await Assert.That(((TextReasoningContent)contents[2]).Text).IsEqualTo(string.Empty);
        await Assert.That(((TextReasoningContent)contents[2]).ProtectedData).IsEqualTo("CiQBVKhc7Sig_A0/+x==");
        await Assert.That(response.FinishReason).IsEqualTo(ChatFinishReason.ToolCalls);
        await Assert.That(response.Usage!.OutputTokenCount).IsEqualTo(33);
        await Assert.That(response.Usage.ReasoningTokenCount).IsEqualTo(25);
    }

    [Test]
    public async Task AGemini3ToolTurnSendsTheCallsSignatureBackInTheSamePart()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(SignedCallAnswer), FakeResponse.Json(TextAnswer));
        using var client = new ChatClientBuilder(GeminiChatClientTests.Client(server)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Bergen?", WeatherOptions());

        await Assert.That(response.Text).IsEqualTo("Sunny in Bergen.");
        var contents = server.Requests[1].Json.GetProperty("contents");
        var expected = """
            [{"role":"user","parts":[{"text":"Weather in Bergen?"}]},
             {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Bergen"}},"thoughtSignature":"CiQBVKhc7Sig_A0/+x=="}]},
             {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"Bergen: sunny, 21 C"}}}]}]
            """;
        await Assert.That(SameJson(contents, expected)).IsTrue().Because(contents.GetRawText());
    }

    [Test]
    public async Task ParallelCallsKeepTheSignatureOnTheFirstCallOnly()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(ParallelCallsAnswer), FakeResponse.Json(TextAnswer));
        using var client = new ChatClientBuilder(GeminiChatClientTests.Client(server)).UseFunctionInvocation().Build();

        await client.GetResponseAsync("Weather in Paris and London?", WeatherOptions());

        var model = server.Requests[1].Json.GetProperty("contents")[1];
        var expected = """
            {"role":"model","parts":[
               {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"Sig_A_parallel"},
               {"functionCall":{"name":"get_weather","args":{"city":"London"}}}]}
            """;
        await Assert.That(SameJson(model, expected)).IsTrue().Because(model.GetRawText());
        await Assert.That(server.Requests[1].Json.GetProperty("contents")[2].GetProperty("parts").GetArrayLength()).IsEqualTo(2);
    }

    [Test]
    public async Task StreamedSignaturesGoBackInTheirPartsIncludingOneThatArrivedInAnEmptyTextPart()
    {
        await using var server = await FakeServer.StartAsync(
            FakeResponse.Sse(StreamedSignedCall()),
            FakeResponse.Sse(StreamedTextWithTrailingSignature()),
            FakeResponse.Json(TextAnswer));
        using var raw = GeminiChatClientTests.Client(server);
        using var client = new ChatClientBuilder(raw).UseFunctionInvocation().Build();
        List<ChatMessage> history = [new(ChatRole.User, "Weather in Bergen?")];

        var updates = await CollectAsync(client.GetStreamingResponseAsync(history, WeatherOptions()));
        var response = updates.ToChatResponse();
        await Assert.That(response.Text).IsEqualTo("Sunny in Bergen.");
        history.AddRange(response.Messages);
        history.Add(new ChatMessage(ChatRole.User, "Thanks. And tomorrow?"));
        await raw.GetResponseAsync(history, WeatherOptions());

        var contents = server.Requests[2].Json.GetProperty("contents");
        var expected = """
            [{"role":"user","parts":[{"text":"Weather in Bergen?"}]},
             {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Bergen"}},"thoughtSignature":"Sig_B_stream"}]},
             {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"Bergen: sunny, 21 C"}}}]},
             {"role":"model","parts":[{"text":"Sunny in Bergen.","thoughtSignature":"Sig_C_trailing"}]},
             {"role":"user","parts":[{"text":"Thanks. And tomorrow?"}]}]
            """;
        await Assert.That(SameJson(contents, expected)).IsTrue().Because(contents.GetRawText());
    }

    [Test]
    public async Task ASignedThoughtGoesBackAsAThoughtPartAndUnsignedReasoningIsNotSent()
    {
        await using var server = await FakeServer.StartAsync(FakeResponse.Json(TextAnswer));
        using var client = GeminiChatClientTests.Client(server);
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Bergen?"),
            new(ChatRole.Assistant,
            [
                new TextReasoningContent("Gemini 2.5 signs its thought.") { ProtectedData = "Sig_thought" },
                new TextReasoningContent("Another provider's reasoning, unsigned."),
                new TextContent("Sunny."),
            ]),
            new(ChatRole.User, "Thanks."),
        ];

        await client.GetResponseAsync(history);

        var model = server.Requests.Single().Json.GetProperty("contents")[1];
        var expected = """{"role":"model","parts":[{"text":"Gemini 2.5 signs its thought.","thought":true,"thoughtSignature":"Sig_thought"},{"text":"Sunny."}]}""";
        await Assert.That(SameJson(model, expected)).IsTrue().Because(model.GetRawText());
    }
}
