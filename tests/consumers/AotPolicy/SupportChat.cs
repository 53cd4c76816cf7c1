using Microsoft.Extensions.AI;

namespace AotPolicy;

/// <summary>
/// A long support conversation, the same on every run: the order number is stated in turn 2, a hundred turns of
/// delivery chatter follow, and the last turn asks for the number.
/// </summary>
internal static class SupportChat
{
    /// <summary>The id of the message that states the order number.</summary>
    public const string FactId = "order-number";

    /// <summary>The order number the last turn asks for.</summary>
    public const string OrderNumber = "88-4127";

    private static readonly string[] Items = ["a kettle", "two lamps", "a rug", "garden chairs", "a bookshelf", "a blender", "curtains"];
    private static readonly string[] Events = ["the courier called ahead", "the parcel was left with a neighbour", "the box was dented", "tracking showed no update", "the van arrived early", "a signature was needed"];
    private static readonly string[] Times = ["early morning", "mid morning", "around lunch", "mid afternoon", "late afternoon"];

    /// <summary>The customer's messages, one per turn; <paramref name="turns"/> of them.</summary>
    public static IEnumerable<ChatMessage> CustomerTurns(int turns)
    {
        yield return new(ChatRole.User, "Hello, I have a few questions about deliveries to my flat.");
        yield return new(ChatRole.User, $"For reference, my order number is {OrderNumber} and the delivery address is flat 3, Mill Lane.")
        {
            MessageId = FactId,
        };

        for (var turn = 3; turn < turns; turn++)
        {
            // No digits in the chatter: only the order number states a figure.
            yield return new(ChatRole.User, $"Another update: for {Items[turn % Items.Length]}, {Events[turn % Events.Length]}, {Times[turn % Times.Length]}. No action needed yet.");
        }

        yield return new(ChatRole.User, "Sorry, what was my order number again?");
    }
}
