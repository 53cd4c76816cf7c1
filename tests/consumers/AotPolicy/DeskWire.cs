using System.Text.Json.Serialization;

namespace AotPolicy;

/// <summary>What <see cref="DeskChatClient"/> posts: the window, in order.</summary>
internal sealed record DeskRequest(string Model, string Persona, int QuoteChars, List<DeskMessage> Messages);

/// <summary>One message of the window.</summary>
internal sealed record DeskMessage(string Role, string Text);

/// <summary>The desk server's answer and how many messages it was sent.</summary>
internal sealed record DeskReply(string Text, int Messages);

/// <summary>System.Text.Json source generation: no reflection-based serialization under Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeskRequest))]
[JsonSerializable(typeof(DeskReply))]
internal sealed partial class DeskJson : JsonSerializerContext;
