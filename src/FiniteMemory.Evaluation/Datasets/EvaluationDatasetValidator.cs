using System.Globalization;

namespace FiniteMemory.Evaluation;

/// <summary>Checks that a dataset can be scored, and says precisely what is wrong when it cannot.</summary>
public static class EvaluationDatasetValidator
{
    /// <summary>
    /// Throws a <see cref="FormatException"/> for the first problem: no conversations or no questions at all, a
    /// missing or repeated conversation, turn or question id, a role other than <c>user</c> / <c>assistant</c>, an
    /// empty text, question or answer, a non-positive session, a question without evidence, or evidence naming
    /// a turn the conversation does not have. The message names the conversation, question and id.
    /// </summary>
    public static void Validate(EvaluationDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Conversations is not { Count: > 0 } conversations)
        {
            throw Error("the dataset has no conversations; expected {\"conversations\": [{\"id\", \"turns\", \"questions\"}, ...]}.");
        }

        var conversationIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var questions = 0;
        for (var c = 0; c < conversations.Count; c++)
        {
            var conversation = conversations[c] ?? throw Error(Format("conversation #{0} is null; expected an object with \"id\", \"turns\" and \"questions\".", c + 1));
            if (string.IsNullOrWhiteSpace(conversation.Id))
            {
                throw Error(Format("conversation #{0} has no \"id\"; give every conversation a unique id.", c + 1));
            }

            if (!conversationIds.TryAdd(conversation.Id, c + 1))
            {
                throw Error(Format("conversation id '{0}' is used by conversations #{1} and #{2}; conversation ids must be unique.", conversation.Id, conversationIds[conversation.Id], c + 1));
            }

            var turnIds = ValidateTurns(conversation);
            ValidateQuestions(conversation, turnIds);
            questions += conversation.Questions.Count;
        }

        if (questions == 0)
        {
            throw Error("the dataset has no questions; each conversation lists its questions under \"questions\": [{\"id\", \"question\", \"answer\", \"evidence\"}].");
        }
    }

    private static HashSet<string> ValidateTurns(EvaluationConversation conversation)
    {
        var where = Format("conversation '{0}'", conversation.Id);
        if (conversation.Turns is not { Count: > 0 } turns)
        {
            throw Error($"{where} has no turns; its \"turns\" list is the transcript the questions are asked after.");
        }

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var t = 0; t < turns.Count; t++)
        {
            var turn = turns[t] ?? throw Error(Format("{0}: turn #{1} is null; expected an object with \"id\", \"role\" and \"text\".", where, t + 1));
            if (string.IsNullOrWhiteSpace(turn.Id))
            {
                throw Error(Format("{0}: turn #{1} has no \"id\"; questions name their evidence by turn id.", where, t + 1));
            }

            if (!positions.TryAdd(turn.Id, t + 1))
            {
                throw Error(Format("{0}: turn id '{1}' is used by turns #{2} and #{3}; turn ids must be unique in a conversation.", where, turn.Id, positions[turn.Id], t + 1));
            }

            var role = turn.Role?.Trim();
            if (!string.Equals(role, EvaluationTurn.UserRole, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(role, EvaluationTurn.AssistantRole, StringComparison.OrdinalIgnoreCase))
            {
                throw Error(string.IsNullOrEmpty(role)
                    ? Format("{0}, turn '{1}' has no \"role\"; expected \"user\" or \"assistant\".", where, turn.Id)
                    : Format("{0}, turn '{1}' has the role '{2}'; expected \"user\" or \"assistant\".", where, turn.Id, role));
            }

            if (string.IsNullOrWhiteSpace(turn.Text))
            {
                throw Error(Format("{0}, turn '{1}' has an empty \"text\"; every turn must say something.", where, turn.Id));
            }

            if (turn.Session is <= 0)
            {
                throw Error(Format("{0}, turn '{1}' has the session {2}; sessions are counted from 1 (or leave \"session\" out).", where, turn.Id, turn.Session));
            }
        }

        return [.. positions.Keys];
    }

    private static void ValidateQuestions(EvaluationConversation conversation, HashSet<string> turnIds)
    {
        var where = Format("conversation '{0}'", conversation.Id);
        var questionIds = new HashSet<string>(StringComparer.Ordinal);
        var questions = conversation.Questions ?? [];
        for (var q = 0; q < questions.Count; q++)
        {
            var question = questions[q] ?? throw Error(Format("{0}: question #{1} is null; expected an object with \"id\", \"question\", \"answer\" and \"evidence\".", where, q + 1));
            if (string.IsNullOrWhiteSpace(question.Id))
            {
                throw Error(Format("{0}: question #{1} has no \"id\"; give every question an id unique in its conversation.", where, q + 1));
            }

            if (!questionIds.Add(question.Id))
            {
                throw Error(Format("{0}: question id '{1}' is used twice; question ids must be unique in a conversation.", where, question.Id));
            }

            var named = Format("{0}, question '{1}'", where, question.Id);
            if (string.IsNullOrWhiteSpace(question.Question))
            {
                throw Error($"{named} has an empty \"question\"; it is asked as the newest user message.");
            }

            if (string.IsNullOrWhiteSpace(question.Answer))
            {
                throw Error($"{named} has an empty \"answer\"; give the short answer its evidence holds.");
            }

            if (question.Evidence is not { Count: > 0 } evidence)
            {
                throw Error($"{named} has no evidence; list the ids of the turns that hold its answer under \"evidence\".");
            }

            foreach (var id in evidence)
            {
                if (id is null || !turnIds.Contains(id))
                {
                    throw Error(Format("{0}: evidence '{1}' is not a turn of the conversation; evidence must name turn ids.", named, id));
                }
            }
        }
    }

    private static FormatException Error(string message) => new(message);

    private static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
