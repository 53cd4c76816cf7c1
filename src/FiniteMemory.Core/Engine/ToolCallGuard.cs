using Microsoft.Extensions.AI;
using FiniteMemory.Conversation;

namespace FiniteMemory.Engine;

/// <summary>
/// Keeps a conversation valid for providers around tool calls: every call in a request must be followed by its
/// result before the next user message (OpenAI and the others reject a request that carries a call without one).
/// </summary>
/// <remarks>
/// Two ways a call could end up unanswered in memory, both refused before anything is remembered: a model that
/// calls a tool although the request offered none (nobody will ever run it), and a new user message while a call
/// the caller asked for still waits for its result.
/// </remarks>
internal static class ToolCallGuard
{
    /// <summary>
    /// The error for a response that calls a tool without its result although <paramref name="options"/> offered no
    /// tools (or forbade calling them), or null when the response is fine.
    /// </summary>
    public static InvalidOperationException? Unrequested(ChatResponse response, ChatOptions? options)
    {
        if (options?.Tools is { Count: > 0 } && options.ToolMode is not NoneChatToolMode)
        {
            return null;
        }

        if (FirstUnanswered(response.Messages) is not { } call)
        {
            return null;
        }

        return new InvalidOperationException(
            $"The model answered with a call to tool '{call.Name}' (call id '{call.CallId}'), but the request offered no tools (ChatOptions.Tools is empty or its ToolMode is None). " +
            "Nothing was remembered: a call nobody runs would be sent without a result on every later request, which providers reject. " +
            "Offer the tool in ChatOptions.Tools (and run it, e.g. with UseFunctionInvocation()), or check the server.");
    }

    /// <summary>
    /// The error for starting a new user turn while a call made after the newest user message still has no result,
    /// or null when every call is answered.
    /// </summary>
    public static InvalidOperationException? Pending(Transcript transcript)
    {
        var since = Math.Max(transcript.LastUserIndex, 0);
        var messages = new List<ChatMessage>(transcript.Count - since);
        for (var i = since; i < transcript.Count; i++)
        {
            messages.Add(transcript[i].Message);
        }

        if (FirstUnanswered(messages) is not { } call)
        {
            return null;
        }

        return new InvalidOperationException(
            $"Tool call '{call.CallId}' ({call.Name}) from the previous answer has no result yet, and providers reject a new user message before it. " +
            $"Run the tool and add its result first, e.g. session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(\"{call.CallId}\", result)])), " +
            "or let a function-invoking client (UseFunctionInvocation()) run tools inside the turn. Nothing was remembered.");
    }

    /// <summary>
    /// Replaces, in the messages after the newest user message, every tool call without a result by a line of text
    /// saying what was called, so the conversation can go on.
    /// </summary>
    public static void KeepUnansweredCallsAsText(ChatMessage[] messages)
    {
        var since = 0;
        for (var i = messages.Length - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                since = i;
                break;
            }
        }

        HashSet<string>? answered = null;
        for (var i = since; i < messages.Length; i++)
        {
            foreach (var content in messages[i].Contents)
            {
                if (content is FunctionResultContent { CallId: { } id })
                {
                    (answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                }
            }
        }

        for (var i = since; i < messages.Length; i++)
        {
            var message = messages[i];
            if (!message.Contents.Any(c => IsUnanswered(c, answered)))
            {
                continue;
            }

            var copy = message.Clone();
            copy.Contents = [.. message.Contents.Select(c => IsUnanswered(c, answered) ? AsText((FunctionCallContent)c) : c)];
            messages[i] = copy;
        }
    }

    private static bool IsUnanswered(AIContent content, HashSet<string>? answered) =>
        content is FunctionCallContent { InformationalOnly: false } call && (answered is null || !answered.Contains(call.CallId));

    private static TextContent AsText(FunctionCallContent call)
    {
        var arguments = call.Arguments is { Count: > 0 } args
            ? string.Join(", ", args.Select(a => FormattableString.Invariant($"{a.Key}={a.Value}")))
            : string.Empty;
        return new TextContent($"[called {call.Name}({arguments}); it was never answered]");
    }

    private static FunctionCallContent? FirstUnanswered(IEnumerable<ChatMessage> messages)
    {
        List<FunctionCallContent>? calls = null;
        HashSet<string>? answered = null;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case FunctionCallContent { InformationalOnly: false } call:
                        (calls ??= []).Add(call);
                        break;
                    case FunctionResultContent result when result.CallId is not null:
                        (answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(result.CallId);
                        break;
                }
            }
        }

        return calls?.FirstOrDefault(c => answered is null || !answered.Contains(c.CallId));
    }
}
