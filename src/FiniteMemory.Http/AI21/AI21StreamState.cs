using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.AI21;

/// <summary>
/// Turns the chunks of one streamed AI21 response into updates: text as it arrives; tool calls, whose arguments
/// arrive in fragments, whole once the choice finishes (or the stream ends); the finish reason and usage with
/// the chunk that carries them.
/// </summary>
internal sealed class AI21StreamState(string requestedModel)
{
    private readonly SortedDictionary<int, PendingCall> _calls = [];
    private string? _responseId;
    private string? _modelId;

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

        var finish = AI21Responses.FinishReason(choice?.FinishReason);
        if (finish is not null || chunk.Usage is not null)
        {
            var contents = TakeCalls();
            if (chunk.Usage is not null)
            {
                contents.Add(new UsageContent(AI21Responses.Usage(chunk.Usage)!));
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
            contents.Add(AI21Responses.Call(call.Id ?? string.Empty, call.Name ?? string.Empty, call.Arguments.ToString()));
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

    private sealed class PendingCall
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
