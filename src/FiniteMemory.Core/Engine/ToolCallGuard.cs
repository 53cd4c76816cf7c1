using Microsoft.Extensions.AI;

namespace FiniteMemory;

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

        if (Unanswered(response.Messages) is not [var (_, call), ..])
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
        if (Unanswered(SinceNewestUser(transcript)) is not [var (_, call), ..])
        {
            return null;
        }

        return new InvalidOperationException(
            $"Tool call '{call.CallId}' ({call.Name}) from the previous answer has no result yet, and providers reject a new user message before it. " +
            $"Run the tool and add its result first, e.g. session.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(\"{call.CallId}\", result)])), " +
            "or let a function-invoking client (UseFunctionInvocation()) run tools inside the turn. Nothing was remembered.");
    }

    /// <summary>
    /// Replaces every tool call that stands before the newest user message and has no result anywhere after it by
    /// a line of text saying what was called: no result can validly follow it any more, and providers reject a
    /// request that carries it. Calls after the newest user message are left alone (their results may still come).
    /// </summary>
    public static void KeepEarlierUnansweredCallsAsText(ChatMessage[] messages)
    {
        var lastUser = Array.FindLastIndex(messages, m => m.Role == ChatRole.User);
        var unanswered = Unanswered(messages).Where(c => c.Index < lastUser).ToList();
        if (unanswered.Count == 0)
        {
            return;
        }

        var calls = unanswered.Select(c => c.Call).ToHashSet<AIContent>(ReferenceEqualityComparer.Instance);
        foreach (var index in unanswered.Select(c => c.Index).Distinct())
        {
            var copy = messages[index].Clone();
            copy.Contents = [.. messages[index].Contents.Select(c => calls.Contains(c) ? AsText((FunctionCallContent)c) : c)];
            messages[index] = copy;
        }
    }

    /// <summary>
    /// For a new user turn while calls after the newest user message have no result: a tool message answering
    /// them with a note, when every such call came from a checkpoint older than format version 3 (which stored a
    /// call the model made although no tool was offered, so nobody will answer it); otherwise null, and the turn
    /// is refused as usual. A result the caller adds first is used instead, so a call that was really waiting for
    /// its tool still gets the tool's answer.
    /// </summary>
    public static ChatMessage? ResultsForRestoredCalls(Transcript transcript)
    {
        var restored = transcript.RestoredFromOlderFormat;
        if (restored == 0)
        {
            return null;
        }

        var since = Math.Max(transcript.LastUserIndex, 0);
        var unanswered = Unanswered(SinceNewestUser(transcript));
        if (unanswered.Count == 0 || unanswered.Any(c => since + c.Index >= restored))
        {
            return null;
        }

        return new ChatMessage(ChatRole.Tool, [.. unanswered.Select(c => (AIContent)new FunctionResultContent(c.Call.CallId, RestoredCallNote))]);
    }

    /// <summary>The result given to a call restored from an older checkpoint that nobody answered.</summary>
    internal const string RestoredCallNote = "[no result: this call was restored from an older checkpoint and never answered]";

    // Arguments are cut so that one large argument does not become a large message on every later turn.
    private const int MaxArgumentsLength = 200;

    private static TextContent AsText(FunctionCallContent call)
    {
        var arguments = call.Arguments is { Count: > 0 } args
            ? string.Join(", ", args.Select(a => FormattableString.Invariant($"{a.Key}={a.Value}")))
            : string.Empty;
        if (arguments.Length > MaxArgumentsLength)
        {
            arguments = string.Concat(arguments.AsSpan(0, MaxArgumentsLength), "…");
        }

        return new TextContent($"[called {call.Name}({arguments}); it was never answered]");
    }

    // The messages from the newest user message on (all of them when there is none): where calls may still wait.
    private static IEnumerable<ChatMessage> SinceNewestUser(Transcript transcript)
    {
        for (var i = Math.Max(transcript.LastUserIndex, 0); i < transcript.Count; i++)
        {
            yield return transcript[i].Message;
        }
    }

    // The calls among messages that no result among them answers, in order, each with its message's position.
    private static List<(int Index, FunctionCallContent Call)> Unanswered(IEnumerable<ChatMessage> messages)
    {
        var calls = new List<(int Index, FunctionCallContent Call)>();
        HashSet<string>? answered = null;
        var index = 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case FunctionCallContent { InformationalOnly: false } call:
                        calls.Add((index, call));
                        break;
                    case FunctionResultContent { CallId: { } id }:
                        (answered ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                        break;
                }
            }

            index++;
        }

        if (answered is not null)
        {
            calls.RemoveAll(c => answered.Contains(c.Call.CallId));
        }

        return calls;
    }
}
