using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Anthropic;

/// <summary>
/// Messages API answers → Microsoft.Extensions.AI responses: text, tool calls and thinking blocks (kept as
/// <see cref="TextReasoningContent"/>, see <see cref="AnthropicChatClient"/>), the finish reason and usage. One reader
/// reads one answer; a streamed one event by event, assembling the tool calls whose arguments arrive in pieces.
/// </summary>
/// <param name="redactor">Scrubs the API key from what the errors quote.</param>
internal sealed class AnthropicResponseReader(SecretRedactor redactor)
{
    private readonly Dictionary<int, ToolBlock> _tools = [];
    private string? _id;
    private string? _model;
    private AnthropicUsage? _usage;
    private string? _stopReason;

    /// <summary>Whether the stream's <c>message_stop</c> has been read.</summary>
    public bool Stopped { get; private set; }

    public static ChatFinishReason? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(stopReason),
    };

    // Anthropic counts cache reads and writes apart from input_tokens; the window the model saw is their sum.
    public static UsageDetails? Usage(AnthropicUsage? usage)
    {
        if (usage is null)
        {
            return null;
        }

        long? input = usage.InputTokens is null && usage.CacheReadInputTokens is null && usage.CacheCreationInputTokens is null
            ? null
            : (usage.InputTokens ?? 0) + (usage.CacheReadInputTokens ?? 0) + (usage.CacheCreationInputTokens ?? 0);
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = input is null && usage.OutputTokens is null ? null : (input ?? 0) + (usage.OutputTokens ?? 0),
            CachedInputTokenCount = usage.CacheReadInputTokens,
        };
        if (usage.CacheCreationInputTokens is long created)
        {
            details.AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["cache_creation_input_tokens"] = created };
        }

        return details;
    }


    /// <summary>A whole (not streamed) answer.</summary>
    public ChatResponse ToChatResponse(AnthropicResponse answer)
    {
        var contents = new List<AIContent>();
        foreach (var block in answer.Content ?? [])
        {
            switch (block.Type)
            {
                case "text" when block.Text is { } text:
                    contents.Add(new TextContent(text) { RawRepresentation = block });
                    break;
                case "thinking" or "redacted_thinking":
                    contents.Add(Reasoning(block));
                    break;
                case "tool_use":
                    contents.Add(ToolCall(block.Id, block.Name, block.Input ?? default));
                    break;
            }
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = answer.Id })
        {
            ResponseId = answer.Id,
            ModelId = answer.Model,
            FinishReason = FinishReason(answer.StopReason),
            Usage = Usage(answer.Usage),
            RawRepresentation = answer,
        };
    }

    // The block's type travels with it (AnthropicChatClient.BlockTypeKey), so a signed thinking block whose text is empty (thinking not
    // displayed) is not taken for redacted thinking when it goes back, also after a checkpoint.
    private static TextReasoningContent Reasoning(AnthropicBlock block) => block.Type == "thinking"
        ? new TextReasoningContent(block.Thinking) { ProtectedData = NullIfEmpty(block.Signature), RawRepresentation = block, AdditionalProperties = BlockType(block.Type) }
        : new TextReasoningContent(string.Empty) { ProtectedData = NullIfEmpty(block.Data), RawRepresentation = block, AdditionalProperties = BlockType(block.Type) };

    private static AdditionalPropertiesDictionary BlockType(string type) => new() { [AnthropicChatClient.BlockTypeKey] = type };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private FunctionCallContent ToolCall(string? id, string? name, JsonElement input)
    {
        try
        {
            return new FunctionCallContent(id ?? string.Empty, name ?? string.Empty, ProviderJson.ArgumentsFromJson(input));
        }
        catch (JsonException ex)
        {
            throw new BackendHttpException(AnthropicChatClient.ProviderName, null, null, null, $"{AnthropicChatClient.ProviderName} sent tool '{redactor.Redact(name)}' arguments that are not a JSON object: {redactor.Redact(ExceptionText.Describe(ex))}.", redactor.Clean(ex));
        }
    }

    /// <summary>What one streamed event adds: an update, or null for an event that only moves the state on.</summary>
    public ChatResponseUpdate? Read(AnthropicStreamEvent e, string eventType)
    {
        switch (e.Type ?? eventType)
        {
            case "message_start":
                _id = e.Message?.Id;
                _model = e.Message?.Model;
                _usage = e.Message?.Usage ?? new AnthropicUsage();
                return null;
            case "content_block_start" when e.ContentBlock is { } block:
                if (block.Type == "tool_use")
                {
                    _tools[e.Index ?? 0] = new ToolBlock(block.Id, block.Name);
                    return null;
                }

                return block switch
                {
                    { Type: "text", Text.Length: > 0 } => Update(new TextContent(block.Text)),
                    { Type: "thinking", Thinking.Length: > 0 } => Update(new TextReasoningContent(block.Thinking)),
                    { Type: "redacted_thinking" } => Update(Reasoning(block)),
                    _ => null,
                };
            case "content_block_delta" when e.Delta is { } delta:
                switch (delta.Type)
                {
                    case "text_delta" when !string.IsNullOrEmpty(delta.Text):
                        return Update(new TextContent(delta.Text));
                    case "thinking_delta" when !string.IsNullOrEmpty(delta.Thinking):
                        return Update(new TextReasoningContent(delta.Thinking));

                    // The signature closes its thinking block; ToChatResponse merges it into the reasoning before it.
                    case "signature_delta" when !string.IsNullOrEmpty(delta.Signature):
                        return Update(new TextReasoningContent(string.Empty) { ProtectedData = delta.Signature, AdditionalProperties = BlockType("thinking") });
                }

                if (delta.Type == "input_json_delta" && _tools.TryGetValue(e.Index ?? 0, out var partial))
                {
                    partial.Json.Append(delta.PartialJson);
                }

                return null;
            case "content_block_stop":
                if (!_tools.Remove(e.Index ?? 0, out var tool))
                {
                    return null;
                }

                try
                {
                    return Update(new FunctionCallContent(tool.Id ?? string.Empty, tool.Name ?? string.Empty, ProviderJson.ArgumentsFromText(tool.Json.ToString())));
                }
                catch (JsonException ex)
                {
                    throw new BackendStreamException(AnthropicChatClient.ProviderName, $"{AnthropicChatClient.ProviderName} streamed tool '{redactor.Redact(tool.Name)}' arguments that are not a JSON object: {redactor.Redact(ExceptionText.Describe(ex))}.", redactor.Clean(ex));
                }

            case "message_delta":
                _stopReason = e.Delta?.StopReason ?? _stopReason;
                if (e.Usage is { } usage)
                {
                    _usage ??= new AnthropicUsage();
                    _usage.OutputTokens = usage.OutputTokens ?? _usage.OutputTokens;
                    _usage.InputTokens = usage.InputTokens ?? _usage.InputTokens;
                    _usage.CacheReadInputTokens = usage.CacheReadInputTokens ?? _usage.CacheReadInputTokens;
                    _usage.CacheCreationInputTokens = usage.CacheCreationInputTokens ?? _usage.CacheCreationInputTokens;
                }

                return null;
            case "message_stop":
                Stopped = true;
                var final = Update();
                final.FinishReason = FinishReason(_stopReason);
                if (Usage(_usage) is { } details)
                {
                    final.Contents.Add(new UsageContent(details));
                }

                return final;
            case "error":
                var message = redactor.Redact(e.Error?.Message ?? "no message");
                throw new BackendStreamException(AnthropicChatClient.ProviderName, $"{AnthropicChatClient.ProviderName} sent an error mid-stream ({redactor.Redact(e.Error?.Type ?? "error")}): {message} The response is incomplete.");
            default:
                // ping, and event kinds this client does not use.
                return null;
        }
    }

    private ChatResponseUpdate Update(params AIContent[] contents) =>
        new(ChatRole.Assistant, [.. contents])
        {
            ResponseId = _id,
            MessageId = _id,
            ModelId = _model,
        };

    private sealed class ToolBlock(string? id, string? name)
    {
        public string? Id { get; } = id;

        public string? Name { get; } = name;

        public StringBuilder Json { get; } = new();
    }
}
