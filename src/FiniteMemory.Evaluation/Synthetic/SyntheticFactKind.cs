namespace FiniteMemory.Evaluation;

/// <summary>
/// One kind of fact the generator can plant in a conversation (a pet's name, the home city, an allergy …): how
/// its value is drawn and the templates for stating it, asking about it, updating it and for distractors.
/// </summary>
/// <remarks>
/// Templates use <c>[a|b]</c> alternatives and slots: <c>{value}</c> (the answer), <c>{old}</c> (the value before
/// an update), <c>{other}</c> (a fresh value of the same pool, never the answer), <c>{aux}</c> (a second value
/// fixed for the fact, e.g. a destination), <c>{base}</c> (the value of <see cref="Base"/>), <c>{person}</c> (a
/// fresh bystander's name). A distractor is a user sentence, or <c>user ask || assistant reply</c> for an exchange
/// in which the user asks about the topic in another context and the assistant answers generically. Every
/// question of a kind shares a content word with every distractor of that kind (a test checks).
/// </remarks>
internal sealed class SyntheticFactKind
{
    public required string Name { get; init; }

    /// <summary>Draws a value (the answer) for this kind.</summary>
    public required Func<SyntheticRandom, string> Draw { get; init; }

    public required string[] Statements { get; init; }

    /// <summary>Questions about a value that was never updated.</summary>
    public required string[] Questions { get; init; }

    public required string[] Distractors { get; init; }

    /// <summary>What the assistant may say right after the statement (never the value).</summary>
    public string[] Acknowledgements { get; init; } = [];

    /// <summary>Later passing mentions of the value (e.g. the dog's name in an anecdote).</summary>
    public string[] Mentions { get; init; } = [];

    /// <summary>Draws <c>{aux}</c>, or null when the templates use none.</summary>
    public Func<SyntheticRandom, string>? DrawAux { get; init; }

    /// <summary>For a two-hop fact: the kind whose statement introduces the person this fact is about (its value is <c>{base}</c>).</summary>
    public string? Base { get; init; }

    /// <summary>Updates that name the old value and the new one: the old value can be read off the update alone.</summary>
    public string[] UpdatesNamingOld { get; init; } = [];

    /// <summary>Updates that name only the new value: asking for the old one needs the original statement too.</summary>
    public string[] UpdatesNew { get; init; } = [];

    /// <summary>Questions about the current value after an update.</summary>
    public string[] CurrentQuestions { get; init; } = [];

    /// <summary>Questions about the value before the update.</summary>
    public string[] OldQuestions { get; init; } = [];

    /// <summary>Kinds that would contradict this one once it is updated (a move makes the old street wrong), so they are not planted together with an update.</summary>
    public string[] InvalidatedByUpdate { get; init; } = [];

    public bool CanUpdate => UpdatesNamingOld.Length > 0 || UpdatesNew.Length > 0;
}
