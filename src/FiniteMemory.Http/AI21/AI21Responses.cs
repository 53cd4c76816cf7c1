using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.AI21;

/// <summary>AI21 responses → Microsoft.Extensions.AI responses.</summary>
internal static class AI21Responses
{
    /// <summary>The first choice's message, finish reason and usage; <see langword="null"/> when there is no choice.</summary>
    public static ChatResponse? ToChatResponse(AI21ChatResponse response, string requestedModel)
    {
        if (response.Choices is not { Count: > 0 } choices || choices[0].Message is not { } message)
        {
            return null;
        }

        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(message.Content))
        {
            contents.Add(new TextContent(message.Content));
        }

        foreach (var call in message.ToolCalls ?? [])
        {
            contents.Add(AI21Responses.Call(call.Id ?? string.Empty, call.Function?.Name ?? string.Empty, call.Function?.Arguments));
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = response.Id })
        {
            ResponseId = response.Id,
            ModelId = response.Model ?? requestedModel,
            FinishReason = FinishReason(choices[0].FinishReason),
            Usage = Usage(response.Usage),
            RawRepresentation = response,
        };
    }

    /// <summary>
    /// A function call from the JSON text of its arguments. Arguments that are not a JSON object are kept as the
    /// call's <see cref="FunctionCallContent.Exception"/> (as Microsoft.Extensions.AI's own clients do), so the
    /// function-invocation middleware reports them to the model instead of failing the turn.
    /// </summary>
    public static FunctionCallContent Call(string callId, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(arguments ?? string.Empty, callId, name, static json => ProviderJson.ArgumentsFromText(json));

    public static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null or "" => null,
        "stop" or "end_turn" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    public static UsageDetails? Usage(AI21Usage? usage) => usage is null
        ? null
        : new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.CompletionTokens,
            TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens + usage.CompletionTokens),
        };
}
