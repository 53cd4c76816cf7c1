using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FiniteMemory.Http;

/// <summary>Function-call arguments as JSON text, as OpenAI-style APIs (AI21) send them and as prompts show them.</summary>
internal static class FunctionContentJson
{
    /// <summary>The call's arguments as compact JSON object text (<c>{}</c> when it has none).</summary>
    public static string Arguments(FunctionCallContent call)
    {
        // ProviderJson serializes with Microsoft.Extensions.AI's options, which indent; the wire and prompts want the compact form.
        var element = ProviderJson.ArgumentsToJson(call.Arguments);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// A function call from the JSON text of its arguments. Arguments that are not a JSON object are kept as the
    /// call's <see cref="FunctionCallContent.Exception"/> (as Microsoft.Extensions.AI's own clients do), so the
    /// function-invocation middleware reports them to the model instead of failing the turn.
    /// </summary>
    public static FunctionCallContent Call(string callId, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(arguments ?? string.Empty, callId, name, static json => ProviderJson.ArgumentsFromText(json));
}
