using FiniteMemory;
using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace AotPolicy;

/// <summary>
/// The newest turns, then the older messages most relevant to the question (BM25, no embedder), with messages that
/// state a figure (an order number, a date) preferred. The generator writes its <see cref="IMemoryPolicy"/> members
/// and registers it by name; running order: KeepRecent → ScoreRelevance → PreferFigures → Select.
/// </summary>
[MemoryPolicy(PolicyName, Description = "Recent turns, then older messages relevant to the question, preferring those that state a figure.", Budget = Budget)]
[KeepRecent(MaxTurns = 6, BudgetShare = 0.5)]
[ScoreRelevance(LexicalWeight = 1, SemanticWeight = 0)]
[Select]
internal sealed partial class OrderRecallPolicy
{
    /// <summary>The registered name.</summary>
    public const string PolicyName = "order-recall";

    /// <summary>The budget the policy declares (tokens).</summary>
    public const int Budget = 900;

    /// <summary>Doubles the relevance of every scored older message that states a figure (holds a digit).</summary>
    [Stage(After = "ScoreRelevance")]
    private static void PreferFigures(MemoryFrame frame)
    {
        if (!frame.HasScores)
        {
            return;
        }

        var transcript = frame.Transcript;
        for (var group = 0; group < frame.GroupCount; group++)
        {
            if (frame.IsKept(group) || frame.Scores[group] <= 0)
            {
                continue;
            }

            foreach (var index in transcript.Groups[group].Members)
            {
                if (index < frame.Count && transcript[index].Message.Text.AsSpan().ContainsAnyInRange('0', '9'))
                {
                    frame.Scores[group] *= 2;
                    break;
                }
            }
        }
    }
}
