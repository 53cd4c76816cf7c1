namespace FiniteMemory.Evaluation;

/// <summary>What the generator knows about one question beyond the dataset: how it was made and where its distractors are.</summary>
/// <param name="QuestionId">The question's id.</param>
/// <param name="Kind">The fact kind's name.</param>
/// <param name="Type"><c>fact</c> (never updated), <c>current</c> or <c>old</c> (value after or before an update), or <c>two-hop</c>.</param>
/// <param name="Distractors">Ids of the turns planted to mislead: similar words, no answer.</param>
/// <param name="AnswerTurns">Ids of every turn that holds the answer's words: the evidence, passing mentions, and the fact's other statements (an update names the old value too).</param>
internal sealed record SyntheticQuestionKey(string QuestionId, string Kind, string Type, IReadOnlyList<string> Distractors, IReadOnlyList<string> AnswerTurns);

/// <summary>The generator's key to one conversation.</summary>
internal sealed record SyntheticConversationKey(string ConversationId, IReadOnlyList<SyntheticQuestionKey> Questions);
