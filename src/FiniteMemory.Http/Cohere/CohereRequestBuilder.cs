using System.Text;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Cohere;

/// <summary>M.E.AI messages and options → a v2 chat request.</summary>
internal static class CohereRequestBuilder
{
    public static CohereRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, bool stream)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var request = new CohereRequest
        {
            Model = model,
            Messages = Messages(list, options),
            Temperature = options?.Temperature,
            MaxTokens = options?.MaxOutputTokens,
            StopSequences = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            P = options?.TopP,
            K = options?.TopK,
            Seed = options?.Seed,
            FrequencyPenalty = options?.FrequencyPenalty,
            PresencePenalty = options?.PresencePenalty,
            ResponseFormat = options?.ResponseFormat is ChatResponseFormatJson json ? new CohereResponseFormat { JsonSchema = json.Schema } : null,
            Stream = stream ? true : null,
        };

        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToList();
        if (tools is { Count: > 0 })
        {
            if (options!.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } only })
            {
                // Cohere cannot name the one tool to call: offer only that one, and require a call.
                tools = [.. tools.Where(t => t.Name == only)];
            }

            request.Tools = [.. tools.Select(static t => new ToolWire { Function = new FunctionDeclarationWire { Name = t.Name, Description = string.IsNullOrEmpty(t.Description) ? null : t.Description, Parameters = t.JsonSchema } })];
            request.ToolChoice = options.ToolMode switch
            {
                RequiredChatToolMode => "REQUIRED",
                NoneChatToolMode => "NONE",
                _ => null,
            };
        }

        return request;
    }

    private static List<CohereMessage> Messages(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var result = new List<CohereMessage>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            result.Add(new CohereMessage { Role = "system", Content = options.Instructions });
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                result.Add(new CohereMessage { Role = "system", Content = message.Text });
            }
            else if (message.Role == ChatRole.Assistant)
            {
                var calls = message.Contents.OfType<FunctionCallContent>()
                    .Select(static c => new ToolCallWire
                    {
                        Id = c.CallId,
                        Type = "function",
                        Function = new FunctionCallWire { Name = c.Name, Arguments = ProviderJson.ArgumentsToText(c.Arguments) },
                    })
                    .ToList();
                var text = Text(message);
                result.Add(calls.Count == 0
                    ? new CohereMessage { Role = "assistant", Content = text }
                    : new CohereMessage { Role = "assistant", ToolPlan = text.Length == 0 ? null : text, ToolCalls = calls });
            }
            else
            {
                // Every function result is a "tool" message of its own; the rest of the message stays a user turn.
                foreach (var fr in message.Contents.OfType<FunctionResultContent>())
                {
                    result.Add(new CohereMessage { Role = "tool", ToolCallId = fr.CallId, Content = ProviderMessages.ResultText(fr) });
                }

                var text = Text(message);
                if (text.Length > 0 || !message.Contents.OfType<FunctionResultContent>().Any())
                {
                    result.Add(new CohereMessage { Role = "user", Content = text });
                }
            }
        }

        return result;
    }

    // Text and reasoning (Cohere's tool plan) of a message.
    private static string Text(ChatMessage message)
    {
        var text = new StringBuilder();
        foreach (var content in message.Contents)
        {
            var part = content switch
            {
                TextContent t => t.Text,
                TextReasoningContent r => r.Text,
                _ => null,
            };
            text.Append(part);
        }

        return text.ToString();
    }
}
