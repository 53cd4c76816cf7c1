using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>
/// Function-call arguments and function results as the JSON text providers put on the wire, through
/// Microsoft.Extensions.AI's own serializer options (source-generated for the common types, so AOT-safe).
/// </summary>
internal static class FunctionContentJson
{
    // Microsoft.Extensions.AI's defaults indent; on the wire and in prompts the compact form is what providers show.
    private static readonly JsonSerializerOptions Compact = CreateCompact();

    /// <summary>The call's arguments as a JSON object (<c>{}</c> when it has none).</summary>
    public static string Arguments(FunctionCallContent call) =>
        call.Arguments is null
            ? "{}"
            : JsonSerializer.Serialize(call.Arguments, Compact.GetTypeInfo(typeof(IDictionary<string, object?>)));

    /// <summary>A function result as text: strings as they are, anything else as JSON.</summary>
    public static string Result(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } e ? $"Error: {e.Message}" : string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => e.GetRawText(),
        var other => JsonSerializer.Serialize(other, Compact.GetTypeInfo(typeof(object))),
    };

    /// <summary>
    /// A function call from the JSON text of its arguments. Arguments that are not a JSON object are kept as the
    /// call's <see cref="FunctionCallContent.Exception"/> (as Microsoft.Extensions.AI's own clients do), so the
    /// function-invocation middleware reports them to the model instead of failing the turn.
    /// </summary>
    public static FunctionCallContent Call(string callId, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(
            string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments,
            callId,
            name,
            static json => (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));

    private static JsonSerializerOptions CreateCompact()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }
}
