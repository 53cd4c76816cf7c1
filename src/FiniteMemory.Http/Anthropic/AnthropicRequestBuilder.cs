using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Anthropic;

/// <summary>M.E.AI messages and options → a Messages API request.</summary>
internal static class AnthropicRequestBuilder
{
    public static AnthropicRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, int defaultMaxTokens, bool stream)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var request = new AnthropicRequest
        {
            Model = model,
            MaxTokens = options?.MaxOutputTokens ?? defaultMaxTokens,
            System = ProviderMessages.SystemText(list, options),
            Messages = Messages(list),
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            TopK = options?.TopK,
            StopSequences = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            Stream = stream ? true : null,
        };

        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToList();
        if (tools is { Count: > 0 } && options?.ToolMode is not NoneChatToolMode)
        {
            request.Tools = [.. tools.Select(static t => new AnthropicTool { Name = t.Name, Description = NullIfEmpty(t.Description), InputSchema = t.JsonSchema })];
            request.ToolChoice = ToolChoice(options!);
        }

        return request;
    }

    private static AnthropicToolChoice? ToolChoice(ChatOptions options)
    {
        AnthropicToolChoice? choice = options.ToolMode switch
        {
            RequiredChatToolMode { RequiredFunctionName: { } name } => new AnthropicToolChoice { Type = "tool", Name = name },
            RequiredChatToolMode => new AnthropicToolChoice { Type = "any" },
            AutoChatToolMode => new AnthropicToolChoice { Type = "auto" },
            _ => null,
        };
        if (options.AllowMultipleToolCalls == false)
        {
            choice ??= new AnthropicToolChoice { Type = "auto" };
            choice.DisableParallelToolUse = true;
        }

        return choice;
    }

    // Tool results travel in user messages, and the API wants user and assistant turns to alternate, so
    // consecutive messages of the same role are merged into one.
    private static List<AnthropicMessage> Messages(IReadOnlyList<ChatMessage> messages)
    {
        var result = new List<AnthropicMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = Blocks(message);
            if (blocks.Count == 0)
            {
                continue;
            }

            if (result.Count > 0 && result[^1].Role == role)
            {
                result[^1].Content.AddRange(blocks);
            }
            else
            {
                result.Add(new AnthropicMessage { Role = role, Content = blocks });
            }
        }

        return result;
    }

    private static List<AnthropicBlock> Blocks(ChatMessage message)
    {
        var blocks = new List<AnthropicBlock>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    blocks.Add(new AnthropicBlock { Type = "text", Text = text.Text });
                    break;
                case FunctionCallContent call:
                    blocks.Add(new AnthropicBlock { Type = "tool_use", Id = call.CallId, Name = call.Name, Input = ProviderJson.ArgumentsToJson(call.Arguments) });
                    break;
                case FunctionResultContent result:
                    blocks.Add(new AnthropicBlock
                    {
                        Type = "tool_result",
                        ToolUseId = result.CallId,
                        Content = JsonSerializer.SerializeToElement(ProviderMessages.ResultText(result), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string))),
                        IsError = result.Exception is not null ? true : null,
                    });
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    blocks.Add(new AnthropicBlock { Type = "image", Source = new AnthropicImageSource { MediaType = data.MediaType, Data = data.Base64Data.ToString() } });
                    break;
            }
        }

        return blocks;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
