using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Replicate;

/// <summary>Microsoft.Extensions.AI messages and options → a Replicate prediction.</summary>
internal static class ReplicateRequestBuilder
{
    public static ReplicatePredictionRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, ReplicatePromptTemplate template, ReplicateModelRef model, bool stream)
    {
        if (options?.Tools is { Count: > 0 } && options.ToolMode is not NoneChatToolMode)
        {
            throw new NotSupportedException(
                "Replicate models take a prompt, not tools: remove ChatOptions.Tools for the 'replicate' backend, or use a backend with function calling (openai, anthropic, gemini, cohere, ai21).");
        }

        var prompt = template.Render(messages, options);
        var maxTokens = options?.MaxOutputTokens;
        return new ReplicatePredictionRequest
        {
            Version = model.Version,
            Stream = stream ? true : null,
            Input = new ReplicateInput
            {
                Prompt = prompt.Prompt,
                SystemPrompt = prompt.SystemPrompt,
                PromptTemplate = prompt.ModelPromptTemplate,
                MaxTokens = maxTokens,
                MaxNewTokens = maxTokens,
                Temperature = options?.Temperature,
                TopP = options?.TopP,
                TopK = options?.TopK,
                StopSequences = options?.StopSequences is { Count: > 0 } stop ? string.Join(',', stop) : null,
                Seed = options?.Seed,
                PresencePenalty = options?.PresencePenalty,
                FrequencyPenalty = options?.FrequencyPenalty,
                Extra = Extra(options?.AdditionalProperties),
            },
        };
    }

    private static Dictionary<string, JsonElement>? Extra(AdditionalPropertiesDictionary? properties)
    {
        if (properties is not { Count: > 0 })
        {
            return null;
        }

        var extra = new Dictionary<string, JsonElement>(properties.Count, StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            extra[key] = value is JsonElement element
                ? element
                : JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object)));
        }

        return extra;
    }

    /// <summary>Text for a <c>Prefer: wait=N</c> header.</summary>
    public static string PreferWait(int seconds) => string.Create(CultureInfo.InvariantCulture, $"wait={seconds}");
}
