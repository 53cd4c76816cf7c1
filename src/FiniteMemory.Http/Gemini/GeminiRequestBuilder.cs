using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Gemini;

/// <summary>M.E.AI messages and options → a generateContent request.</summary>
internal static class GeminiRequestBuilder
{
    /// <summary>Call ids this client made up for calls Gemini sent without one; never sent back to Gemini.</summary>
    public const string GeneratedIdPrefix = "fmem-";

    public static GeminiRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var system = ProviderMessages.SystemText(list, options);
        var request = new GeminiRequest
        {
            Contents = Contents(list),
            SystemInstruction = system is null ? null : new GeminiContent { Parts = [new GeminiPart { Text = system }] },
            GenerationConfig = GenerationConfig(options),
        };

        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToList();
        if (tools is { Count: > 0 })
        {
            request.Tools = [new GeminiTool { FunctionDeclarations = [.. tools.Select(static t => new GeminiFunctionDeclaration { Name = t.Name, Description = string.IsNullOrEmpty(t.Description) ? null : t.Description, Parameters = Parameters(t.JsonSchema) })] }];
            request.ToolConfig = options!.ToolMode switch
            {
                NoneChatToolMode => Mode("NONE"),
                RequiredChatToolMode { RequiredFunctionName: { } name } => new GeminiToolConfig { FunctionCallingConfig = new GeminiFunctionCallingConfig { Mode = "ANY", AllowedFunctionNames = [name] } },
                RequiredChatToolMode => Mode("ANY"),
                AutoChatToolMode => Mode("AUTO"),
                _ => null,
            };
        }

        return request;
    }

    /// <summary>The id to send for a call: Gemini's own, never one this client made up.</summary>
    public static string? WireId(string? callId) =>
        string.IsNullOrEmpty(callId) || callId.StartsWith(GeneratedIdPrefix, StringComparison.Ordinal) ? null : callId;

    private static GeminiToolConfig Mode(string mode) => new() { FunctionCallingConfig = new GeminiFunctionCallingConfig { Mode = mode } };

    private static GeminiGenerationConfig? GenerationConfig(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var config = new GeminiGenerationConfig
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            MaxOutputTokens = options.MaxOutputTokens,
            StopSequences = options.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            Seed = options.Seed,
            PresencePenalty = options.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty,
        };
        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            config.ResponseMimeType = "application/json";
            config.ResponseJsonSchema = json.Schema;
        }

        return config is { Temperature: null, TopP: null, TopK: null, MaxOutputTokens: null, StopSequences: null, Seed: null, PresencePenalty: null, FrequencyPenalty: null, ResponseMimeType: null } ? null : config;
    }

    // Gemini's schema dialect (an OpenAPI subset) rejects "$schema"; the rest of a function's schema passes as it is.
    private static JsonElement? Parameters(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!schema.TryGetProperty("$schema", out _))
        {
            return schema;
        }

        var copy = new Dictionary<string, JsonElement>();
        foreach (var property in schema.EnumerateObject())
        {
            if (property.Name != "$schema")
            {
                copy[property.Name] = property.Value;
            }
        }

        return JsonSerializer.SerializeToElement(copy, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, JsonElement>)));
    }

    // Function results name their function, which M.E.AI keeps only on the call: remember each call's name.
    private static List<GeminiContent> Contents(IReadOnlyList<ChatMessage> messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<GeminiContent>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var role = message.Role == ChatRole.Assistant ? "model" : "user";
            var parts = new List<GeminiPart>();

            // The part the previous content became: a signature-only reasoning content after it belongs in it.
            GeminiPart? previous = null;
            foreach (var content in message.Contents)
            {
                var count = parts.Count;
                switch (content)
                {
                    case TextContent { Text.Length: > 0 } text:
                        parts.Add(new GeminiPart { Text = text.Text });
                        break;
                    case TextReasoningContent { ProtectedData.Length: > 0 } reasoning when message.Role == ChatRole.Assistant:
                        if (reasoning.Text.Length == 0 && previous is { ThoughtSignature: null })
                        {
                            previous.ThoughtSignature = reasoning.ProtectedData;
                        }
                        else
                        {
                            parts.Add(new GeminiPart { Thought = true, Text = reasoning.Text.Length > 0 ? reasoning.Text : null, ThoughtSignature = reasoning.ProtectedData });
                        }

                        break;
                    case FunctionCallContent call:
                        names[call.CallId] = call.Name;
                        parts.Add(new GeminiPart { FunctionCall = new GeminiFunctionCall { Id = WireId(call.CallId), Name = call.Name, Args = ProviderJson.ArgumentsToJson(call.Arguments) } });
                        break;
                    case FunctionResultContent fr:
                        var response = fr.Exception is not null && fr.Result is null
                            ? ProviderJson.ResultToObject(new Dictionary<string, object?> { ["error"] = fr.Exception.Message })
                            : ProviderJson.ResultToObject(fr.Result);
                        parts.Add(new GeminiPart
                        {
                            FunctionResponse = new GeminiFunctionResponse
                            {
                                Id = WireId(fr.CallId),
                                Name = names.TryGetValue(fr.CallId, out var name) ? name : fr.CallId,
                                Response = response,
                            },
                        });
                        break;
                    case DataContent data:
                        parts.Add(new GeminiPart { InlineData = new GeminiBlob { MimeType = data.MediaType, Data = data.Base64Data.ToString() } });
                        break;
                }

                previous = parts.Count > count ? parts[^1] : null;
            }

            if (parts.Count == 0)
            {
                continue;
            }

            if (result.Count > 0 && result[^1].Role == role)
            {
                result[^1].Parts!.AddRange(parts);
            }
            else
            {
                result.Add(new GeminiContent { Role = role, Parts = parts });
            }
        }

        return result;
    }
}
