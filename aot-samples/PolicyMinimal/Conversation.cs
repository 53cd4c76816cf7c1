using Microsoft.Extensions.AI;

namespace PolicyMinimal;

/// <summary>
/// A long conversation, the same on every run: a fact is planted in turn 2, a hundred-odd turns of travel
/// notes follow, and the last turn asks for the fact.
/// </summary>
internal static class Conversation
{
    /// <summary>The id of the message that plants the fact.</summary>
    public const string FactId = "locker-code";

    /// <summary>The fact the last turn asks for.</summary>
    public const string Fact = "4417";

    private static readonly string[] Places = ["Porto", "Sintra", "Coimbra", "Évora", "Lagos", "Faro", "Chefchaouen", "Fez", "Marrakesh", "Essaouira", "Rabat"];
    private static readonly string[] Sights = ["a tiled chapel", "the old market", "a river walk", "a cooking class", "the fortress walls", "a tram ride", "a rooftop café", "the botanical garden"];
    private static readonly string[] Notes = ["The trains ran on time.", "It rained all afternoon.", "We booked the next guesthouse.", "Lunch was grilled sardines.", "We got lost twice in the medina.", "Sunset from the viewpoint was worth the climb."];

    /// <summary>The user's messages, one per turn; <paramref name="turns"/> of them.</summary>
    public static IEnumerable<ChatMessage> UserTurns(int turns)
    {
        yield return new(ChatRole.User, "Hi! I'm planning three weeks around Portugal and Morocco. Can you keep notes as we go?");
        yield return new(ChatRole.User, $"Before I forget: the code for my storage locker at Lisbon Oriente is {Fact}, and the ferry to Tangier leaves on 2031-06-14.")
        {
            MessageId = FactId,
        };

        for (var turn = 3; turn < turns; turn++)
        {
            yield return new(ChatRole.User, $"Day {turn}: in {Places[turn % Places.Length]} we saw {Sights[turn % Sights.Length]} and walked about {3 + (turn % 9)} kilometres. {Notes[turn % Notes.Length]} Nothing else to add for now.");
        }

        yield return new(ChatRole.User, "Quick one before I head out: what was the code for my storage locker?");
    }
}
