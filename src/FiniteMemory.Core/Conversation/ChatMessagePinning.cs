using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// Marks messages as pinned so that they travel through any M.E.AI pipeline (the reducer and the middleware
/// see the mark on the message itself).
/// </summary>
public static class ChatMessagePinning
{
    /// <summary>The <see cref="ChatMessage.AdditionalProperties"/> key that carries the pin.</summary>
    public const string PropertyName = "finitememory.pinned";

    /// <summary>Pins the message: every window built from a conversation containing it will keep it.</summary>
    public static ChatMessage Pin(this ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        (message.AdditionalProperties ??= [])[PropertyName] = true;
        return message;
    }

    /// <summary>Removes the pin mark.</summary>
    public static ChatMessage Unpin(this ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.AdditionalProperties?.Remove(PropertyName);
        return message;
    }

    /// <summary>Whether the message carries the pin mark.</summary>
    public static bool IsPinned(this ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.AdditionalProperties is null || !message.AdditionalProperties.TryGetValue(PropertyName, out var value))
        {
            return false;
        }

        return value switch
        {
            bool b => b,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.True } => true,
            _ => false,
        };
    }
}
