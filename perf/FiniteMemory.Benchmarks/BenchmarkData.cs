using Microsoft.Extensions.AI;
using SK = Microsoft.SemanticKernel;

namespace FiniteMemory.Benchmarks;

/// <summary>Conversations of any length built from the repository's sample, and their Semantic Kernel twins.</summary>
public static class BenchmarkData
{
    /// <summary>The repository root (the folder holding FiniteMemory.slnx).</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FiniteMemory.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository (FiniteMemory.slnx not found above the current directory).");
    }

    /// <summary>
    /// The sample's system message followed by its other messages repeated (tool-call ids renamed per copy so
    /// groups stay distinct) until <paramref name="count"/> messages; cut so that the last one is a user message.
    /// </summary>
    public static List<ChatJsonlMessage> Conversation(int count)
    {
        var sample = ChatJsonl.ReadFile(Path.Combine(RepositoryRoot(), "samples", "trip-planner.jsonl"));
        var system = sample.First(m => m.Message.Role == ChatRole.System);
        var body = sample.Where(m => m != system).ToList();
        var result = new List<ChatJsonlMessage> { system };
        for (var copy = 0; result.Count < count; copy++)
        {
            foreach (var m in body)
            {
                if (result.Count == count)
                {
                    break;
                }

                result.Add(new ChatJsonlMessage($"{m.Id}#{copy}", Rename(m.Message, copy), m.Pinned && copy == 0, m.Line));
            }
        }

        while (result[^1].Message.Role != ChatRole.User)
        {
            result.RemoveAt(result.Count - 1);
        }

        return result;
    }

    /// <summary>The same messages as Semantic Kernel chat history.</summary>
    public static SK.ChatCompletion.ChatHistory ToSemanticKernel(IEnumerable<ChatMessage> messages)
    {
        var history = new SK.ChatCompletion.ChatHistory();
        foreach (var message in messages)
        {
            var role = message.Role == ChatRole.System ? SK.ChatCompletion.AuthorRole.System
                : message.Role == ChatRole.User ? SK.ChatCompletion.AuthorRole.User
                : message.Role == ChatRole.Tool ? SK.ChatCompletion.AuthorRole.Tool
                : SK.ChatCompletion.AuthorRole.Assistant;
            var items = new SK.ChatCompletion.ChatMessageContentItemCollection();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        items.Add(new SK.TextContent(text.Text));
                        break;
                    case FunctionCallContent call:
                        items.Add(new SK.FunctionCallContent(call.Name, id: call.CallId, arguments: new SK.KernelArguments(call.Arguments!)));
                        break;
                    case FunctionResultContent result:
                        items.Add(new SK.FunctionResultContent(functionName: null, callId: result.CallId, result: result.Result));
                        break;
                }
            }

            history.Add(new SK.ChatMessageContent(role, items));
        }

        return history;
    }

    private static ChatMessage Rename(ChatMessage message, int copy)
    {
        if (copy == 0)
        {
            return message;
        }

        var contents = message.Contents.Select(c => c switch
        {
            FunctionCallContent call => new FunctionCallContent($"{call.CallId}#{copy}", call.Name, call.Arguments),
            FunctionResultContent result => (AIContent)new FunctionResultContent($"{result.CallId}#{copy}", result.Result),
            _ => c,
        }).ToList();
        return new ChatMessage(message.Role, contents) { AuthorName = message.AuthorName };
    }
}
