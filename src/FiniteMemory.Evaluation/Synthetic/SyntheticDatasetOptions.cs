using System.Globalization;

namespace FiniteMemory.Evaluation;

/// <summary>The shape of a dataset <see cref="SyntheticDataset"/> generates. The defaults imitate long multi-session personal-assistant chats.</summary>
public sealed class SyntheticDatasetOptions
{
    /// <summary>The most conversations one dataset may have (1,000): a dataset is generated whole in memory.</summary>
    public const int MaxConversations = 1_000;

    /// <summary>
    /// The most turns one dataset may have, by its shape's upper bound (conversations × most sessions × most turns
    /// per session): 1,000,000, about 100 MB of text. Sizes are checked before anything is allocated.
    /// </summary>
    public const long MaxTotalTurns = 1_000_000;

    /// <summary>Number of conversations (default 10).</summary>
    public int Conversations { get; init; } = 10;

    /// <summary>Fewest sessions per conversation (default 20).</summary>
    public int MinSessions { get; init; } = 20;

    /// <summary>Most sessions per conversation (default 30).</summary>
    public int MaxSessions { get; init; } = 30;

    /// <summary>Fewest turns per session (default 12); sessions have an even number of turns, user and assistant alternating.</summary>
    public int MinTurnsPerSession { get; init; } = 12;

    /// <summary>Most turns per session (default 30).</summary>
    public int MaxTurnsPerSession { get; init; } = 30;

    /// <summary>Fewest facts planted per conversation (default 25), fewer only when the conversation is too short to hold them (a quarter of its user turns).</summary>
    public int MinFacts { get; init; } = 25;

    /// <summary>Most facts planted per conversation (default 36).</summary>
    public int MaxFacts { get; init; } = 36;

    /// <summary>Most questions per conversation (default 40).</summary>
    public int MaxQuestions { get; init; } = 40;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Check(Conversations >= 1 && Conversations <= MaxConversations, "Conversations must be at least 1 and at most {1} (it is {0}).", Conversations, MaxConversations);
        Check(MinSessions >= 1 && MinSessions <= MaxSessions, "MinSessions must be at least 1 and at most MaxSessions (they are {0} and {1}).", MinSessions, MaxSessions);
        Check(MinTurnsPerSession >= 2 && MinTurnsPerSession <= MaxTurnsPerSession, "MinTurnsPerSession must be at least 2 and at most MaxTurnsPerSession (they are {0} and {1}).", MinTurnsPerSession, MaxTurnsPerSession);
        Check(MinFacts >= 1 && MinFacts <= MaxFacts, "MinFacts must be at least 1 and at most MaxFacts (they are {0} and {1}).", MinFacts, MaxFacts);
        Check(MaxQuestions >= 1, "MaxQuestions must be at least 1 (it is {0}).", MaxQuestions);
        var turns = (long)Conversations * MaxSessions * MaxTurnsPerSession;
        Check(turns <= MaxTotalTurns, "{0} conversations of up to {1} sessions of up to {2} turns may reach {3} turns, more than the {4} a dataset may have; generate fewer or shorter conversations.", Conversations, MaxSessions, MaxTurnsPerSession, turns, MaxTotalTurns);

        // Each planted fact takes about four user turns (statement, distractors, sometimes an update or a mention).
        Check(MinSessions * (MinTurnsPerSession / 2) >= 4, "Conversations of {0} sessions of {1} turns are too short to plant a fact; allow more sessions or turns.", MinSessions, MinTurnsPerSession);
    }

    private static void Check(bool condition, string format, params object[] args)
    {
        if (!condition)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, "SyntheticDatasetOptions: " + format, args));
        }
    }
}
