using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>Message handling that several providers' request builders share.</summary>
internal static class ProviderMessages
{
    /// <summary>
    /// The system prompt of a request for APIs that take it apart from the messages:
    /// <see cref="ChatOptions.Instructions"/>, then every system message's text, joined by blank lines; null when there is none.
    /// </summary>
    public static string? SystemText(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            parts.Add(options.Instructions);
        }

        parts.AddRange(messages.Where(static m => m.Role == ChatRole.System).Select(static m => m.Text).Where(static t => t.Length > 0));
        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }

    /// <summary>The text a function result is sent as: its value as text, or the error when the function failed without a value.</summary>
    public static string ResultText(FunctionResultContent result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Exception is { } ex && result.Result is null ? $"Error: {ex.Message}" : ProviderJson.ResultToText(result.Result);
    }
}
