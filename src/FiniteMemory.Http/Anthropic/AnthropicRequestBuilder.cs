using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Anthropic;

/// <summary>M.E.AI messages and options → a Messages API request.</summary>
internal static class AnthropicRequestBuilder
{
    /// <summary>The smallest thinking budget the API accepts.</summary>
    public const int MinThinkingBudget = 1024;

    public static AnthropicRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, int defaultMaxTokens, bool stream)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var budget = ThinkingBudget(options);
        if (budget is not null)
        {
            RefuseWhatThinkingForbids(options!);
        }

        var request = new AnthropicRequest
        {
            Model = model,
            MaxTokens = MaxTokens(options, defaultMaxTokens, budget),
            System = ProviderMessages.SystemText(list, options),
            Messages = Messages(list),
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            TopK = options?.TopK,
            StopSequences = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            Thinking = budget is int tokens ? new AnthropicThinking { BudgetTokens = tokens } : null,
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

    // An explicit budget (AdditionalProperties) wins over ChatOptions.Reasoning's effort; effort None means no thinking.
    private static int? ThinkingBudget(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(AnthropicChatClient.ThinkingBudgetTokensKey, out var value) == true && value is not null)
        {
            var budget = value switch
            {
                int i => i,
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var n) => n,
                string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{AnthropicChatClient.ThinkingBudgetTokensKey}\"] must be a whole number of tokens (at least {MinThinkingBudget}), not '{value}'.", nameof(options)),
            };
            return budget >= MinThinkingBudget
                ? budget
                : throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{AnthropicChatClient.ThinkingBudgetTokensKey}\"] is {budget}, but Anthropic's thinking budget must be at least {MinThinkingBudget} tokens: raise it, or remove it to turn thinking off.", nameof(options));
        }

        return options?.Reasoning?.Effort switch
        {
            ReasoningEffort.Low => AnthropicChatClient.LowEffortBudget,
            ReasoningEffort.Medium => AnthropicChatClient.MediumEffortBudget,
            ReasoningEffort.High => AnthropicChatClient.HighEffortBudget,
            ReasoningEffort.ExtraHigh => AnthropicChatClient.ExtraHighEffortBudget,
            _ => null,
        };
    }

    // Extended thinking is not compatible with a changed temperature or top_k, a top_p below 0.95, or forced tool use:
    // the API answers 400, so say which option to drop before sending anything.
    private static void RefuseWhatThinkingForbids(ChatOptions options)
    {
        const string Thinking = "Anthropic's extended thinking (ChatOptions.Reasoning or the thinking_budget_tokens property) cannot be combined with";
        if (options.Temperature is float temperature && temperature != 1f)
        {
            throw new ArgumentException($"{Thinking} ChatOptions.Temperature ({temperature.ToString(CultureInfo.InvariantCulture)}): remove it, or turn thinking off.", nameof(options));
        }

        if (options.TopK is int topK)
        {
            throw new ArgumentException($"{Thinking} ChatOptions.TopK ({topK}): remove it, or turn thinking off.", nameof(options));
        }

        if (options.TopP is float topP && topP < 0.95f)
        {
            throw new ArgumentException($"{Thinking} ChatOptions.TopP below 0.95 ({topP.ToString(CultureInfo.InvariantCulture)}): use 0.95 to 1 or remove it, or turn thinking off.", nameof(options));
        }

        if (options.ToolMode is RequiredChatToolMode && options.Tools is { Count: > 0 })
        {
            throw new ArgumentException($"{Thinking} forced tool use (ChatOptions.ToolMode = RequireAny or RequireSpecific): use Auto, or turn thinking off.", nameof(options));
        }
    }

    // The API counts thinking inside max_tokens and wants the budget below it. Without an explicit MaxOutputTokens the
    // answer keeps its usual room on top of the budget; an explicit one that leaves no room is the caller's to fix.
    private static int MaxTokens(ChatOptions? options, int defaultMaxTokens, int? budget)
    {
        if (budget is not int thinking)
        {
            return options?.MaxOutputTokens ?? defaultMaxTokens;
        }

        if (options?.MaxOutputTokens is not int max)
        {
            return (int)Math.Min((long)defaultMaxTokens + thinking, int.MaxValue);
        }

        return max > thinking
            ? max
            : throw new ArgumentException($"ChatOptions.MaxOutputTokens ({max}) must be larger than the thinking budget ({thinking} tokens), which Anthropic counts inside it: raise MaxOutputTokens or lower the budget.", nameof(options));
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
                case TextReasoningContent reasoning when message.Role == ChatRole.Assistant && ReasoningBlock(reasoning) is { } block:
                    blocks.Add(block);
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

    // Reasoning without ProtectedData (another provider's, or a summary) has no signature the API would accept, so it
    // is not sent. The block type this client recorded (AnthropicChatClient.BlockTypeKey; a JsonElement after a
    // checkpoint) or the raw block decides thinking or redacted_thinking; without either, the convention of
    // Anthropic's own M.E.AI adapter: empty text is a redacted_thinking block's data, text is a signed thinking block.
    private static AnthropicBlock? ReasoningBlock(TextReasoningContent reasoning)
    {
        if (string.IsNullOrEmpty(reasoning.ProtectedData))
        {
            return null;
        }

        var type = reasoning.AdditionalProperties?.TryGetValue(AnthropicChatClient.BlockTypeKey, out var recorded) == true
            ? recorded switch { string text => text, JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(), _ => null }
            : (reasoning.RawRepresentation as AnthropicBlock)?.Type;
        var redacted = type is null ? reasoning.Text.Length == 0 : type == "redacted_thinking";
        return redacted
            ? new AnthropicBlock { Type = "redacted_thinking", Data = reasoning.ProtectedData }
            : new AnthropicBlock { Type = "thinking", Thinking = reasoning.Text, Signature = reasoning.ProtectedData };
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
