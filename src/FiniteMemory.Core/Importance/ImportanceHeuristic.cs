using System.Collections.Frozen;
using Microsoft.Extensions.AI;

namespace FiniteMemory;

/// <summary>
/// How much a message is likely to matter later, without a model: computed once per message from what it says
/// and cached for the conversation (<see cref="Transcript.GetState{T}(Func{T})"/>).
/// </summary>
/// <remarks>
/// The score in [0, 1] is a weighted sum of five features, each in [0, 1]:
/// <list type="bullet">
/// <item><b>Facts</b> (0.30): numbers, dates and proper names it states (see <see cref="Facts"/>); 1 − e^(−n/2).</item>
/// <item><b>Disclosure</b> (0.20): a user (or the user's side) stating something about themselves — first person, not a question.</item>
/// <item><b>Commitment</b> (0.20): instructions, preferences and constraints ("always", "never", "allergic", "prefer", "remember", "deadline" …).</item>
/// <item><b>Rarity</b> (0.20): the mean inverse document frequency of its terms when it was first scored, relative to the rarest possible: specific words rather than small talk.</item>
/// <item><b>Answer</b> (0.10): an assistant message that answers a user question right before it.</item>
/// </list>
/// Messages with fewer than three content words ("ok, thanks!") score at most 0.1. Recency is not part of it:
/// policies add <see cref="Stages.ScoreRecencyStage"/> for that.
/// </remarks>
internal sealed class ImportanceHeuristic : TranscriptState
{
    // Words that mark instructions, preferences and constraints, as terms (stemmed the way Terms stems them).
    private static readonly FrozenSet<string> CommitmentTerms = Terms.Of(
        "always never must prefer preference allergic allergy remember important deadline favorite favourite hate cannot avoid " +
        "instead budget requirement need rule please vegetarian vegan intolerant appointment birthday anniversary password " +
        "address schedule scheduled booked", keepStopWords: true).ToFrozenSet(StringComparer.Ordinal);

    // First-person words (all stop words, so never stemmed).
    private static readonly FrozenSet<string> FirstPersonWords = FrozenSet.Create(StringComparer.Ordinal, "i", "my", "me", "we", "our", "us", "mine", "myself", "ourselves");

    private readonly List<float> _scores = [];

    /// <summary>The heuristic for <paramref name="transcript"/>, created on first use.</summary>
    public static ImportanceHeuristic For(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.GetState(static () => new ImportanceHeuristic());
    }

    /// <summary>Scores the transcript's entries below <paramref name="count"/> that have no score yet.</summary>
    public void Update(Transcript transcript, int count)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (_scores.Count >= count)
        {
            return;
        }

        var lexical = LexicalIndex.For(transcript);
        lexical.Update(transcript, count);
        for (var i = _scores.Count; i < count; i++)
        {
            _scores.Add(Score(transcript, i, lexical));
        }
    }

    /// <summary>The score of entry <paramref name="index"/> (call <see cref="Update"/> first).</summary>
    public float this[int index] => _scores[index];

    /// <summary>Scores one message: the features above, from its text and its place in the conversation.</summary>
    internal static float Score(Transcript transcript, int index, LexicalIndex lexical)
    {
        var entry = transcript[index];
        var message = entry.Message;
        var text = MessageText.Body(message);

        // One pass over the words: first-person words, content terms, commitment terms and rarity.
        var counts = new WordCounts(lexical);
        Terms.Split(text, counts, static (term, c) => c.Add(term), keepStopWords: true);
        if (counts.Content < 3)
        {
            return 0.1f * MathF.Min(1, counts.Content / 3f);
        }

        var factScore = 1 - MathF.Exp(-Facts.CountIn(text) / 2f);
        var isQuestion = text.TrimEnd().EndsWith('?');
        var disclosure = message.Role != ChatRole.Assistant && message.Role != ChatRole.Tool && !isQuestion && counts.FirstPerson > 0
            ? MathF.Min(1, counts.FirstPerson / 2f)
            : 0;
        var commitment = MathF.Min(1, counts.Commitments / 2f);
        var maxIdf = MathF.Log(1 + ((lexical.Count - 0.5f) / 1.5f));
        var rarity = maxIdf > 0 ? MathF.Min(1, counts.Idf / counts.Content / maxIdf) : 0;

        var answer = 0f;
        if (message.Role == ChatRole.Assistant && index > 0 && transcript[index - 1].Role == ChatRole.User
            && MessageText.Body(transcript[index - 1].Message).TrimEnd().EndsWith('?'))
        {
            answer = 1;
        }

        return (0.30f * factScore) + (0.20f * disclosure) + (0.20f * commitment) + (0.20f * rarity) + (0.10f * answer);
    }

    /// <inheritdoc />
    protected internal override void OnTruncated(int count)
    {
        if (count < _scores.Count)
        {
            _scores.RemoveRange(count, _scores.Count - count);
        }
    }

    // Tallies for one message's words (stop words included: "I", "my" and "we" are stop words).
    private sealed class WordCounts(LexicalIndex lexical)
    {
        private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Commitment = CommitmentTerms.GetAlternateLookup<ReadOnlySpan<char>>();
        private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Person = FirstPersonWords.GetAlternateLookup<ReadOnlySpan<char>>();

        public int FirstPerson { get; private set; }

        public int Content { get; private set; }

        public int Commitments { get; private set; }

        public float Idf { get; private set; }

        public void Add(ReadOnlySpan<char> term)
        {
            if (Person.Contains(term))
            {
                FirstPerson++;
            }

            if (Commitment.Contains(term))
            {
                Commitments++;
            }

            if (!StopWords.Contains(term))
            {
                Content++;
                Idf += lexical.InverseDocumentFrequency(term);
            }
        }
    }
}
