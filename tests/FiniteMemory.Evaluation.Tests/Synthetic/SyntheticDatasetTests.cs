using System.Text.RegularExpressions;

namespace FiniteMemory.Evaluation.Tests;

public partial class SyntheticDatasetTests
{
    private static readonly long[] Seeds = [1, 2, 3, 42, 2024];

    // Small datasets of several seeds, and the default one (generated once for every test).
    private static IEnumerable<(EvaluationDataset Dataset, IReadOnlyList<SyntheticConversationKey> Keys)> Datasets() =>
        Seeds.Select(seed => SyntheticDataset.GenerateWithKeys(seed, EvaluationDatasets.Small)).Append(EvaluationDatasets.Default);

    [Test]
    public async Task TheSameSeedGivesByteIdenticalJson()
    {
        var first = EvaluationDatasetFile.Serialize(SyntheticDataset.Generate(5, EvaluationDatasets.Small));
        var second = EvaluationDatasetFile.Serialize(SyntheticDataset.Generate(5, EvaluationDatasets.Small));

        await Assert.That(second).IsEqualTo(first);
    }

    [Test]
    public async Task DifferentSeedsGiveDifferentDatasets()
    {
        var five = EvaluationDatasetFile.Serialize(SyntheticDataset.Generate(5, EvaluationDatasets.Small));
        var six = EvaluationDatasetFile.Serialize(SyntheticDataset.Generate(6, EvaluationDatasets.Small));

        await Assert.That(six).IsNotEqualTo(five);
    }

    [Test]
    public async Task AConversationDependsOnlyOnTheSeedAndItsPositionNotOnHowManyAreGenerated()
    {
        var one = SyntheticDataset.Generate(9, new SyntheticDatasetOptions { Conversations = 1, MinSessions = 4, MaxSessions = 5, MinFacts = 5, MaxFacts = 6 });
        var three = SyntheticDataset.Generate(9, new SyntheticDatasetOptions { Conversations = 3, MinSessions = 4, MaxSessions = 5, MinFacts = 5, MaxFacts = 6 });

        var first = EvaluationDatasetFile.Serialize(new EvaluationDataset { Conversations = [one.Conversations[0]] });
        var firstOfThree = EvaluationDatasetFile.Serialize(new EvaluationDataset { Conversations = [three.Conversations[0]] });
        await Assert.That(firstOfThree).IsEqualTo(first);
    }

    [Test]
    public async Task GeneratedDatasetsPassValidationSoEveryEvidenceIdExists()
    {
        foreach (var (dataset, _) in Datasets())
        {
            var parsed = EvaluationDatasetFile.Parse(EvaluationDatasetFile.Serialize(dataset));
            foreach (var conversation in parsed.Conversations)
            {
                var ids = conversation.Turns.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var question in conversation.Questions)
                {
                    await Assert.That(question.Evidence.All(ids.Contains)).IsTrue().Because($"{conversation.Id}/{question.Id}");
                }
            }
        }
    }

    [Test]
    public async Task EveryAnswerIsASpanOfOneOfItsEvidenceTurns()
    {
        foreach (var (dataset, _) in Datasets())
        {
            foreach (var conversation in dataset.Conversations)
            {
                var text = conversation.Turns.ToDictionary(t => t.Id, t => t.Text, StringComparer.Ordinal);
                foreach (var question in conversation.Questions)
                {
                    await Assert.That(question.Evidence.Any(id => text[id].Contains(question.Answer, StringComparison.Ordinal)))
                        .IsTrue().Because($"{conversation.Id}/{question.Id}: '{question.Answer}' in {string.Join(" | ", question.Evidence.Select(id => text[id]))}");
                }
            }
        }
    }

    [Test]
    public async Task AnAnswersWordsAppearTogetherOnlyInTheTurnsThatHoldThatFact()
    {
        // So answer recall measures memory: no filler or distractor turn can earn it by accident.
        foreach (var (dataset, keys) in Datasets())
        {
            foreach (var (conversation, key) in dataset.Conversations.Zip(keys))
            {
                var words = conversation.Turns.ToDictionary(t => t.Id, t => ContentWords.Words(t.Text).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
                foreach (var (question, questionKey) in conversation.Questions.Zip(key.Questions))
                {
                    var answer = ContentWords.OfAnswer(question.Answer);
                    var elsewhere = conversation.Turns.Where(t => !questionKey.AnswerTurns.Contains(t.Id) && answer.TrueForAll(words[t.Id].Contains)).Select(t => t.Id + ": " + t.Text).ToList();
                    await Assert.That(elsewhere).IsEmpty().Because($"{conversation.Id}/{question.Id} '{question.Answer}'");
                }
            }
        }
    }

    [Test]
    public async Task NoQuestionContainsItsOwnAnswer()
    {
        foreach (var (dataset, _) in Datasets())
        {
            foreach (var question in dataset.Conversations.SelectMany(c => c.Questions))
            {
                var words = ContentWords.Words(question.Question).ToHashSet(StringComparer.Ordinal);
                await Assert.That(ContentWords.OfAnswer(question.Answer).TrueForAll(words.Contains)).IsFalse().Because(question.Question);
            }
        }
    }

    [Test]
    public async Task EveryQuestionHasADistractorThatSharesAContentWordWithItButNotTheAnswer()
    {
        foreach (var (dataset, keys) in Datasets())
        {
            foreach (var (conversation, key) in dataset.Conversations.Zip(keys))
            {
                var text = conversation.Turns.ToDictionary(t => t.Id, t => t.Text, StringComparer.Ordinal);
                foreach (var (question, questionKey) in conversation.Questions.Zip(key.Questions))
                {
                    var questionWords = ContentWords.Content(question.Question);
                    var answer = ContentWords.OfAnswer(question.Answer);
                    var distractors = questionKey.Distractors.Where(id => !question.Evidence.Contains(id)).Select(id => ContentWords.Words(text[id]).ToHashSet(StringComparer.Ordinal)).ToList();
                    await Assert.That(distractors.Any(words => questionWords.Exists(words.Contains) && !answer.TrueForAll(words.Contains)))
                        .IsTrue().Because($"{conversation.Id}/{question.Id} {question.Question}: {string.Join(" | ", questionKey.Distractors.Select(id => text[id]))}");
                }
            }
        }
    }

    [Test]
    public async Task TurnsAlternateUserAndAssistantInSessionsThatStartWithTheUser()
    {
        foreach (var (dataset, _) in Datasets())
        {
            foreach (var conversation in dataset.Conversations)
            {
                var turns = conversation.Turns;
                for (var i = 0; i < turns.Count; i++)
                {
                    var match = TurnId().Match(turns[i].Id);
                    await Assert.That(match.Success).IsTrue().Because(turns[i].Id);
                    await Assert.That(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).IsEqualTo(turns[i].Session!.Value);
                    var position = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                    await Assert.That(turns[i].IsUser).IsEqualTo(position % 2 == 1).Because(turns[i].Id);
                    await Assert.That(turns[i].Speaker).IsEqualTo(turns[i].IsUser ? turns[0].Speaker : "Assistant");
                }
            }
        }
    }

    [Test]
    public async Task NoTwoTurnsOfAConversationSayTheSameThing()
    {
        foreach (var (dataset, _) in Datasets())
        {
            foreach (var conversation in dataset.Conversations)
            {
                var repeated = conversation.Turns.GroupBy(t => t.Text, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                await Assert.That(repeated).IsEmpty();
            }
        }
    }

    [Test]
    public async Task UpdatesComeAfterTheFactTheyChangeAndTwoHopStatementsAfterThePersonTheyAreAbout()
    {
        foreach (var (dataset, keys) in Datasets())
        {
            foreach (var (conversation, key) in dataset.Conversations.Zip(keys))
            {
                var position = conversation.Turns.Select((t, i) => (t.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
                foreach (var (question, questionKey) in conversation.Questions.Zip(key.Questions))
                {
                    if (question.Evidence.Count == 2)
                    {
                        await Assert.That(position[question.Evidence[0]]).IsLessThan(position[question.Evidence[1]]).Because($"{conversation.Id}/{question.Id} ({questionKey.Type})");
                    }
                }
            }
        }
    }

    [Test]
    public async Task ShortConversationsPlantFewerFactsButStillSomeAndBadOptionsAreRejected()
    {
        var tiny = SyntheticDataset.Generate(3, new SyntheticDatasetOptions { Conversations = 1, MinSessions = 1, MaxSessions = 1, MinTurnsPerSession = 8, MaxTurnsPerSession = 8 });

        await Assert.That(tiny.Conversations[0].Turns.Count).IsEqualTo(8);
        await Assert.That(tiny.Conversations[0].Questions.Count).IsGreaterThanOrEqualTo(1);
        Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(1, new SyntheticDatasetOptions { Conversations = 0 }));
        Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(1, new SyntheticDatasetOptions { MinSessions = 5, MaxSessions = 4 }));
        Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(1, new SyntheticDatasetOptions { MinSessions = 1, MaxSessions = 1, MinTurnsPerSession = 4, MaxTurnsPerSession = 4 }));
    }

    [GeneratedRegex(@"^D(\d+):(\d+)$")]
    private static partial Regex TurnId();
}
