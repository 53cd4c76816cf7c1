using FiniteMemory.Policies;
using FiniteMemory;
using FiniteMemory.Stages;

namespace PolicyMinimal;

/// <summary>
/// A policy declared with attributes: the generator writes its <see cref="IMemoryPolicy"/> members (a
/// build method that calls the stages below in order, no reflection) and registers it as <c>fact-recall</c>.
/// Running order: KeepRecent → ScoreFacts → Select.
/// </summary>
[MemoryPolicy(PolicyName, Description = "The newest turns, then older messages stating the facts the newest question asks about.", Budget = 1_200)]
[KeepRecent(MaxTurns = 8, BudgetShare = 0.6)]
[Select]
internal sealed partial class FactRecallPolicy
{
    /// <summary>The registered name, which configuration selects the policy by.</summary>
    public const string PolicyName = "fact-recall";

    /// <summary>
    /// Scores every older group not in the window yet: one point per term of the newest user message it
    /// mentions, doubled when it also states a number or a date (likely the fact being asked for). Placed
    /// right after KeepRecent, so <c>[Select]</c> then spends the rest of the budget on the best of them.
    /// </summary>
    [Stage(After = "KeepRecent")]
    private static void ScoreFacts(MemoryFrame frame)
    {
        var question = Facts.Terms(frame.Query?.Message.Text ?? string.Empty);
        if (question.Count == 0)
        {
            return;
        }

        var transcript = frame.Transcript;
        for (var group = 0; group < frame.GroupCount; group++)
        {
            if (frame.IsKept(group))
            {
                continue;
            }

            var matches = 0;
            var statesNumber = false;
            foreach (var index in transcript.Groups[group].Members)
            {
                // The frame covers the transcript as of this turn only.
                if (index >= frame.Count)
                {
                    continue;
                }

                foreach (var term in Facts.Terms(transcript[index].Message.Text))
                {
                    matches += question.Contains(term) ? 1 : 0;
                    statesNumber |= Facts.IsNumber(term);
                }
            }

            if (matches > 0)
            {
                frame.Scores[group] = statesNumber ? 2 * matches : matches;
            }
        }
    }
}
