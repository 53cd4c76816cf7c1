
namespace FiniteMemory.Evaluation;

/// <summary>How one window fares against one question: evidence turns kept verbatim, and whether the answer's words are in view.</summary>
/// <param name="EvidenceKept">Evidence turns in the window verbatim (present, not truncated).</param>
/// <param name="AnswerFound">Whether every answer word appears among the words of the window's text.</param>
internal readonly record struct WindowScore(int EvidenceKept, bool AnswerFound)
{
    /// <summary>Scores a window.</summary>
    /// <param name="messages">The window's messages.</param>
    /// <param name="questionIndex">The question's transcript index: its own text never counts.</param>
    /// <param name="evidence">The evidence turns' transcript indices, ascending, distinct.</param>
    /// <param name="answerWords">The words the answer needs (<see cref="ContentWords.OfAnswer"/>).</param>
    /// <param name="wordsOfTurn">The words of a transcript turn's full text (cached by the caller).</param>
    public static WindowScore Of(IReadOnlyList<WindowMessage> messages, int questionIndex, int[] evidence, List<string> answerWords, Func<int, HashSet<string>> wordsOfTurn)
    {
        var kept = 0;
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (message.Index == questionIndex)
            {
                continue;
            }

            if (message.Index >= 0 && !message.Truncated)
            {
                kept += Array.BinarySearch(evidence, message.Index) >= 0 ? 1 : 0;
                words.UnionWith(wordsOfTurn(message.Index));
            }
            else
            {
                // A summary (index -1) or a truncated copy: its text counts for answers, never as evidence.
                ContentWords.AddWords(message.Message.Text, words);
            }
        }

        return new WindowScore(kept, answerWords.TrueForAll(words.Contains));
    }
}
