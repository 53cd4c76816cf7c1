using System.Globalization;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.AI21;

/// <summary>Microsoft.Extensions.AI messages and options → an AI21 chat-completions request.</summary>
internal static class AI21RequestBuilder
{
    public static AI21ChatRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var wire = new List<AI21Message>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            wire.Add(new AI21Message { Role = "system", Content = options.Instructions });
        }

        var index = 0;
        foreach (var message in messages)
        {
            AddMessage(wire, message, index++);
        }

        if (wire.Count == 0)
        {
            throw new ArgumentException("AI21 needs at least one message to answer; the conversation is empty.", nameof(messages));
        }

        return new AI21ChatRequest
        {
            Model = model,
            Messages = wire,
            Tools = Tools(options),
            MaxTokens = options?.MaxOutputTokens,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            Stop = options?.StopSequences is { Count: > 0 } stop ? [.. stop] : null,
            ResponseFormat = options?.ResponseFormat is ChatResponseFormatJson ? new AI21ResponseFormat { Type = "json_object" } : null,
            Stream = stream ? true : null,
        };
    }

    private static void AddMessage(List<AI21Message> wire, ChatMessage message, int index)
    {
        var text = new System.Text.StringBuilder();
        List<ToolCallWire>? calls = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    (calls ??= []).Add(new ToolCallWire
                    {
                        Id = call.CallId,
                        Type = "function",
                        Function = new FunctionCallWire { Name = call.Name, Arguments = ProviderJson.ArgumentsToText(call.Arguments) },
                    });
                    break;
                case FunctionResultContent result:
                    // AI21, like OpenAI, takes each tool result as its own "tool" message answering one call id.
                    wire.Add(new AI21Message { Role = "tool", Content = ProviderMessages.ResultText(result), ToolCallId = result.CallId });
                    break;
                case DataContent or UriContent:
                    throw new NotSupportedException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"AI21 chat completions take text only; message {index} ({message.Role}) contains {content.GetType().Name}. Remove the attachment or describe it in text."));
                default:
                    // Reasoning, usage and other annotations are not part of what the model is sent.
                    break;
            }
        }

        if (text.Length == 0 && calls is null)
        {
            return;
        }

        var role = RoleOf(message.Role, index);
        wire.Add(new AI21Message
        {
            Role = role,
            Content = text.Length > 0 ? text.ToString() : null,
            ToolCalls = role == "assistant" ? calls : null,
        });
    }

    private static string RoleOf(ChatRole role, int index)
    {
        if (role == ChatRole.System)
        {
            return "system";
        }

        if (role == ChatRole.User)
        {
            return "user";
        }

        if (role == ChatRole.Assistant)
        {
            return "assistant";
        }

        if (role == ChatRole.Tool)
        {
            return "tool";
        }

        throw new NotSupportedException(string.Create(
            CultureInfo.InvariantCulture,
            $"AI21 has no role '{role}' (message {index}); use system, user, assistant or tool."));
    }

    private static List<ToolWire>? Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode)
        {
            return null;
        }

        var wire = new List<ToolWire>(tools.Count);
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                throw new NotSupportedException($"AI21 can call functions only; the tool '{tool.Name}' is a {tool.GetType().Name}.");
            }

            wire.Add(new ToolWire
            {
                Function = new FunctionDeclarationWire
                {
                    Name = function.Name,
                    Description = string.IsNullOrEmpty(function.Description) ? null : function.Description,
                    Parameters = function.JsonSchema,
                },
            });
        }

        return wire;
    }
}
