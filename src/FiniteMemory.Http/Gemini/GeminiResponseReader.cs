using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Gemini;

/// <summary>
/// generateContent answers → Microsoft.Extensions.AI responses: text, function calls (with an id made up when Gemini
/// sends none), thoughts and thought signatures (see <see cref="GeminiChatClient"/>), the finish reason and usage; a
/// blocked prompt is an error naming the reason. One reader reads one answer; a streamed one chunk by chunk.
/// </summary>
/// <param name="redactor">Scrubs the API key from what the errors quote.</param>
internal sealed class GeminiResponseReader(SecretRedactor redactor)
{
    private readonly CallIds _ids = new();
    private GeminiUsage? _usage;
    private string? _responseId;
    private string? _model;
    private bool _finished;
    private bool _calls;

    // Gemini says STOP after function calls too.
    public static ChatFinishReason? FinishReason(string? reason, bool calledFunctions) => reason switch
    {
        null or "FINISH_REASON_UNSPECIFIED" => null,
        "STOP" when calledFunctions => ChatFinishReason.ToolCalls,
        "STOP" => ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    // promptTokenCount already includes the cached part; thoughts are billed as output.
    public static UsageDetails? Usage(GeminiUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokenCount,
        OutputTokenCount = usage.CandidatesTokenCount is null && usage.ThoughtsTokenCount is null ? null : (usage.CandidatesTokenCount ?? 0) + (usage.ThoughtsTokenCount ?? 0),
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.CachedContentTokenCount,
        ReasoningTokenCount = usage.ThoughtsTokenCount,
    };

    /// <summary>A whole (not streamed) answer.</summary>
    /// <param name="answer">The response body.</param>
    /// <param name="requestedModel">The model asked for, reported when the answer names no version.</param>
    public ChatResponse ToChatResponse(GeminiResponse answer, string requestedModel)
    {
        ThrowIfBlocked(answer);
        var candidate = answer.Candidates?.FirstOrDefault();
        var contents = Contents(candidate?.Content);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = answer.ResponseId })
        {
            ResponseId = answer.ResponseId,
            ModelId = answer.ModelVersion ?? requestedModel,
            FinishReason = FinishReason(candidate?.FinishReason, contents.Any(static c => c is FunctionCallContent)),
            Usage = Usage(answer.UsageMetadata),
            RawRepresentation = answer,
        };
    }

    /// <summary>What one streamed chunk adds, or null when it adds nothing (a chunk with only usage).</summary>
    public ChatResponseUpdate? Read(GeminiResponse chunk)
    {
        if (chunk.Error is { } error)
        {
            throw new BackendStreamException(GeminiChatClient.ProviderName, $"{GeminiChatClient.ProviderName} sent an error mid-stream ({redactor.Redact(error.Status ?? error.Code?.ToString(CultureInfo.InvariantCulture) ?? "error")}): {redactor.Redact(error.Message)} The response is incomplete.");
        }

        ThrowIfBlocked(chunk);
        _usage = chunk.UsageMetadata ?? _usage;
        _responseId ??= chunk.ResponseId;
        _model ??= chunk.ModelVersion;
        var candidate = chunk.Candidates?.FirstOrDefault();
        var contents = Contents(candidate?.Content);
        _calls |= contents.Any(static c => c is FunctionCallContent);
        var update = new ChatResponseUpdate(ChatRole.Assistant, contents) { ResponseId = _responseId, MessageId = _responseId, ModelId = _model };
        if (candidate?.FinishReason is { } reason)
        {
            _finished = true;
            update.FinishReason = FinishReason(reason, _calls);
        }

        return contents.Count > 0 || update.FinishReason is not null ? update : null;
    }

    /// <summary>The usage update that ends a stream (null without usage), once a chunk with a finish reason has been read.</summary>
    /// <exception cref="BackendStreamException">No chunk had a finish reason: the stream was cut off.</exception>
    public ChatResponseUpdate? Complete()
    {
        if (!_finished)
        {
            throw BackendStreamException.EndedBefore(GeminiChatClient.ProviderName, "a chunk with a finishReason");
        }

        return Usage(_usage) is { } details
            ? new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(details)]) { ResponseId = _responseId, MessageId = _responseId, ModelId = _model }
            : null;
    }

    private void ThrowIfBlocked(GeminiResponse answer)
    {
        if (answer.PromptFeedback?.BlockReason is { } reason && (answer.Candidates is null || answer.Candidates.Count == 0))
        {
            var detail = answer.PromptFeedback.BlockReasonMessage is { Length: > 0 } m ? $" ({redactor.Redact(m)})" : string.Empty;
            throw new BackendHttpException(
                GeminiChatClient.ProviderName,
                statusCode: 200,
                providerMessage: reason,
                requestId: answer.ResponseId,
                $"{GeminiChatClient.ProviderName} blocked the prompt: blockReason {reason}{detail}. Rephrase the request, or relax the safety settings of the Gemini project.");
        }
    }

    // A part's thoughtSignature follows its content as a signature-only TextReasoningContent, the convention of Google's
    // own M.E.AI adapter; a thought part keeps its signature on its own reasoning content.
    private List<AIContent> Contents(GeminiContent? content)
    {
        var result = new List<AIContent>();
        foreach (var part in content?.Parts ?? [])
        {
            var signature = string.IsNullOrEmpty(part.ThoughtSignature) ? null : part.ThoughtSignature;
            if (part.FunctionCall is { } call)
            {
                Dictionary<string, object?> arguments;
                try
                {
                    arguments = ProviderJson.ArgumentsFromJson(call.Args ?? default);
                }
                catch (JsonException ex)
                {
                    throw new BackendHttpException(GeminiChatClient.ProviderName, null, null, null, $"{GeminiChatClient.ProviderName} sent function '{redactor.Redact(call.Name)}' arguments that are not a JSON object: {redactor.Redact(ExceptionText.Describe(ex))}.", redactor.Clean(ex));
                }

                result.Add(new FunctionCallContent(call.Id ?? _ids.Next(call.Name), call.Name, arguments));
            }
            else if (part.Thought == true)
            {
                if (!string.IsNullOrEmpty(part.Text) || signature is not null)
                {
                    result.Add(new TextReasoningContent(part.Text) { ProtectedData = signature });
                }

                continue;
            }
            else if (part.Text is { Length: > 0 } text)
            {
                result.Add(new TextContent(text));
            }

            // Also a part with nothing but a signature, as a stream's last text part may be.
            if (signature is not null)
            {
                result.Add(new TextReasoningContent(string.Empty) { ProtectedData = signature });
            }
        }

        return result;
    }

    // Gemini may send calls without ids; M.E.AI needs one to pair a call with its result.
    private sealed class CallIds
    {
        private int _count;

        public string Next(string name) => $"{GeminiRequestBuilder.GeneratedIdPrefix}{++_count}-{name}";
    }
}
