using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Cohere;

/// <summary>
/// v2 chat answers → Microsoft.Extensions.AI responses: the tool plan as reasoning, text, tool calls, the finish reason
/// and usage; a generation Cohere could not finish is an error. One reader reads one answer; a streamed one event by
/// event, assembling the tool calls whose arguments arrive in pieces.
/// </summary>
/// <param name="redactor">Scrubs the API key from what the errors quote.</param>
/// <param name="model">The model asked for, reported as the answer's model.</param>
internal sealed class CohereResponseReader(SecretRedactor redactor, string model)
{
    private readonly Dictionary<int, PendingCall> _calls = [];
    private string? _id;

    /// <summary>Whether the stream's <c>message-end</c> has been read.</summary>
    public bool Ended { get; private set; }

    // Cohere ends a generation that failed or ran out of time with these reasons: the answer is not whole.
    private static bool IsFailure(string? reason) => reason is "ERROR" or "TIMEOUT" or "ERROR_TOXIC" or "ERROR_LIMIT";

    public static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null => null,
        "COMPLETE" or "STOP_SEQUENCE" => ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "TOOL_CALL" => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.ToLowerInvariant()),
    };

    // "tokens" is what the model processed, "billed_units" what Cohere charges; the window is the former.
    public static UsageDetails? Usage(CohereUsage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var counted = usage.Tokens ?? usage.BilledUnits;
        var input = Whole(counted?.InputTokens);
        var output = Whole(counted?.OutputTokens);
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input is null && output is null ? null : (input ?? 0) + (output ?? 0),
            CachedInputTokenCount = usage.CachedTokens,
        };
        if (usage.BilledUnits is { } billed)
        {
            details.AdditionalCounts = [];
            if (Whole(billed.InputTokens) is long i)
            {
                details.AdditionalCounts["billed_input_tokens"] = i;
            }

            if (Whole(billed.OutputTokens) is long o)
            {
                details.AdditionalCounts["billed_output_tokens"] = o;
            }
        }

        return details;
    }

    private static long? Whole(double? value) => value is { } v ? (long)Math.Round(v) : null;

    /// <summary>A whole (not streamed) answer.</summary>
    /// <param name="answer">The response body.</param>
    /// <param name="statusCode">The response's status, for the error when the generation failed.</param>
    public ChatResponse ToChatResponse(CohereResponse answer, int statusCode)
    {
        if (IsFailure(answer.FinishReason))
        {
            throw new BackendHttpException(CohereChatClient.ProviderName, statusCode, answer.FinishReason, answer.Id, $"{CohereChatClient.ProviderName} could not finish the answer (finish_reason {answer.FinishReason}); nothing of it is kept. Retry the request.");
        }

        var contents = new List<AIContent>();
        if (answer.Message?.ToolPlan is { Length: > 0 } plan)
        {
            contents.Add(new TextReasoningContent(plan));
        }

        contents.AddRange(answer.Message?.Content?.Where(static b => b.Type == "text" && !string.IsNullOrEmpty(b.Text)).Select(static b => new TextContent(b.Text)) ?? []);
        contents.AddRange(answer.Message?.ToolCalls?.Select(ToolCall) ?? []);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = answer.Id })
        {
            ResponseId = answer.Id,
            ModelId = model,
            FinishReason = FinishReason(answer.FinishReason),
            Usage = Usage(answer.Usage),
            RawRepresentation = answer,
        };
    }

    /// <summary>What one streamed event adds: an update, or null for an event that only moves the state on.</summary>
    public ChatResponseUpdate? Read(CohereStreamEvent e, string eventType)
    {
        var message = e.Delta?.Message;
        AIContent? content = null;
        switch (e.Type ?? eventType)
        {
            case "message-start":
                _id = e.Id;
                break;
            case "content-start" or "content-delta" when message?.Content is { ValueKind: JsonValueKind.Object } block:
                content = block.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } t ? new TextContent(t) : null;
                break;
            case "tool-plan-delta" when message?.ToolPlan is { Length: > 0 } plan:
                content = new TextReasoningContent(plan);
                break;
            case "tool-call-start" when message?.ToolCalls is { ValueKind: JsonValueKind.Object } start:
                var call = start.Deserialize(CohereJsonContext.Default.ToolCallWire);
                _calls[e.Index ?? 0] = new PendingCall(call?.Id, call?.Function?.Name, call?.Function?.Arguments);
                break;
            case "tool-call-delta" when message?.ToolCalls is { ValueKind: JsonValueKind.Object } delta && _calls.TryGetValue(e.Index ?? 0, out var pending):
                pending.Arguments.Append(delta.Deserialize(CohereJsonContext.Default.ToolCallWire)?.Function?.Arguments);
                break;
            case "tool-call-end" when _calls.Remove(e.Index ?? 0, out var done):
                content = ToolCall(new ToolCallWire { Id = done.Id, Function = new FunctionCallWire { Name = done.Name, Arguments = done.Arguments.ToString() } });
                break;
            case "message-end":
                if (e.Delta?.Error is { Length: > 0 } error)
                {
                    throw new BackendStreamException(CohereChatClient.ProviderName, $"{CohereChatClient.ProviderName} ended the stream with an error: {redactor.Redact(error)} The response is incomplete.");
                }

                if (IsFailure(e.Delta?.FinishReason))
                {
                    throw new BackendStreamException(CohereChatClient.ProviderName, $"{CohereChatClient.ProviderName} ended the stream with finish_reason {e.Delta!.FinishReason}: the response is incomplete.");
                }

                Ended = true;
                var final = new ChatResponseUpdate(ChatRole.Assistant, []) { ResponseId = _id, MessageId = _id, ModelId = model, FinishReason = FinishReason(e.Delta?.FinishReason) };
                if (Usage(e.Delta?.Usage) is { } usage)
                {
                    final.Contents.Add(new UsageContent(usage));
                }

                return final;
        }

        return content is null ? null : new ChatResponseUpdate(ChatRole.Assistant, [content]) { ResponseId = _id, MessageId = _id, ModelId = model };
    }

    private FunctionCallContent ToolCall(ToolCallWire call)
    {
        var name = call.Function?.Name ?? string.Empty;
        try
        {
            return new FunctionCallContent(call.Id ?? string.Empty, name, ProviderJson.ArgumentsFromText(call.Function?.Arguments));
        }
        catch (JsonException ex)
        {
            throw new BackendHttpException(CohereChatClient.ProviderName, null, null, null, $"{CohereChatClient.ProviderName} sent tool '{redactor.Redact(name)}' arguments that are not a JSON object: {redactor.Redact(ExceptionText.Describe(ex))}.", redactor.Clean(ex));
        }
    }

    private sealed class PendingCall(string? id, string? name, string? arguments)
    {
        public string? Id { get; } = id;

        public string? Name { get; } = name;

        public StringBuilder Arguments { get; } = new(arguments);
    }
}
