using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.AI21;

/// <summary>
/// AI21 responses → Microsoft.Extensions.AI responses. A whole response is read at once (<see cref="ToChatResponse"/>);
/// the chunks of one streamed response go through one reader, which turns them into updates: text as it arrives;
/// tool calls, whose arguments arrive in fragments, whole once the choice finishes (or the stream ends); the finish
/// reason and usage with the chunk that carries them.
/// </summary>
/// <param name="requestedModel">The model asked for, reported when a chunk names none.</param>
internal sealed class AI21ResponseReader(string requestedModel)
{
    private readonly SortedDictionary<int, PendingCall> _calls = [];
    private string? _responseId;
    private string? _modelId;

    /// <summary>The updates one streamed chunk makes.</summary>
    public List<ChatResponseUpdate> Accept(AI21StreamChunk chunk)
    {
        _responseId ??= chunk.Id;
        _modelId ??= chunk.Model;
        var updates = new List<ChatResponseUpdate>(1);
        var choice = chunk.Choices is { Count: > 0 } choices ? choices[0] : null;
        if (choice?.Delta is { } delta)
        {
            if (!string.IsNullOrEmpty(delta.Content))
            {
                updates.Add(Update([new TextContent(delta.Content)]));
            }

            foreach (var call in delta.ToolCalls ?? [])
            {
                var key = call.Index ?? _calls.Count;
                if (!_calls.TryGetValue(key, out var pending))
                {
                    _calls[key] = pending = new PendingCall();
                }

                pending.Id ??= call.Id;
                pending.Name ??= call.Function?.Name;
                pending.Arguments.Append(call.Function?.Arguments);
            }
        }

        var finish = FinishReason(choice?.FinishReason);
        if (finish is not null || chunk.Usage is not null)
        {
            var contents = TakeCalls();
            if (chunk.Usage is not null)
            {
                contents.Add(new UsageContent(Usage(chunk.Usage)!));
            }

            var update = Update(contents);
            update.FinishReason = finish;
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Tool calls still pending when the stream ends (a provider that never sent a finish reason).</summary>
    public ChatResponseUpdate? Complete()
    {
        var calls = TakeCalls();
        return calls.Count == 0 ? null : Update(calls);
    }

    private List<AIContent> TakeCalls()
    {
        var contents = new List<AIContent>(_calls.Count + 1);
        foreach (var call in _calls.Values)
        {
            contents.Add(Call(call.Id ?? string.Empty, call.Name ?? string.Empty, call.Arguments.ToString()));
        }

        _calls.Clear();
        return contents;
    }

    private ChatResponseUpdate Update(IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _responseId,
        MessageId = _responseId,
        ModelId = _modelId ?? requestedModel,
    };

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
            contents.Add(Call(call.Id ?? string.Empty, call.Function?.Name ?? string.Empty, call.Function?.Arguments));
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

    private sealed class PendingCall
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
