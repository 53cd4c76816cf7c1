using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http.Replicate;

/// <summary>Replicate predictions → Microsoft.Extensions.AI responses: a prediction's state, its text and what it cost.</summary>
internal static class ReplicateResponseReader
{
    public static bool IsTerminal(ReplicatePrediction prediction) =>
        prediction.Status is "succeeded" or "failed" or "canceled" or "aborted";

    /// <summary>The output: an array of text chunks concatenated, or the string itself.</summary>
    public static string Text(ReplicatePrediction prediction)
    {
        if (prediction.Output is not { } output)
        {
            return string.Empty;
        }

        switch (output.ValueKind)
        {
            case JsonValueKind.String:
                return output.GetString() ?? string.Empty;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var item in output.EnumerateArray())
                {
                    text.Append(item.ValueKind == JsonValueKind.String ? item.GetString() : item.ValueKind == JsonValueKind.Null ? null : item.GetRawText());
                }

                return text.ToString();
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return string.Empty;
            default:
                return output.GetRawText();
        }
    }

    /// <summary>Why the prediction failed, as the API said it (a string, or an object's <c>detail</c>/<c>message</c>).</summary>
    public static string? Error(ReplicatePrediction prediction) => prediction.Error is { } error ? ErrorText(error) : null;

    public static string? ErrorText(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => error.GetString(),
        JsonValueKind.Object when error.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String => d.GetString(),
        JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
        _ => error.GetRawText(),
    };

    public static UsageDetails? Usage(ReplicatePrediction prediction) =>
        prediction.Metrics is { } m && (m.InputTokenCount is not null || m.OutputTokenCount is not null)
            ? new UsageDetails
            {
                InputTokenCount = m.InputTokenCount,
                OutputTokenCount = m.OutputTokenCount,
                TotalTokenCount = m.InputTokenCount + m.OutputTokenCount,
            }
            : null;

    public static ChatResponse ToChatResponse(ReplicatePrediction prediction, string requestedModel) =>
        new(new ChatMessage(ChatRole.Assistant, Text(prediction)) { MessageId = prediction.Id })
        {
            ResponseId = prediction.Id,
            ModelId = prediction.Model ?? requestedModel,
            Usage = Usage(prediction),
            RawRepresentation = prediction,
        };
}
