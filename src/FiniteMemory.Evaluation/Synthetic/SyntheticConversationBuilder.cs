using System.Globalization;

namespace FiniteMemory.Evaluation;

/// <summary>
/// Builds one synthetic conversation: a user and an assistant over many sessions of everyday filler, with facts
/// planted in passing, some updated later, distractors for each, passing mentions, and questions about them.
/// </summary>
/// <remarks>
/// Where things go is drawn uniformly over the conversation, without regard to any policy: a fact's statement
/// anywhere (an updated fact's, or a two-hop fact's person's, in the first 70%, so that what refers to it can follow), updates, mentions
/// and two-hop statements uniformly after what they refer to, distractors anywhere.
/// </remarks>
internal sealed class SyntheticConversationBuilder
{
    private const string AssistantSpeaker = "Assistant";
    private const double UpdatedShare = 0.2;
    private const double MentionChance = 0.3;

    // With the old-value questions that need the original statement too, about 15% of questions have two evidence turns.
    private const double TwoHopShare = 0.12;

    private readonly SyntheticRandom _random;
    private readonly SyntheticDatasetOptions _options;
    private readonly string _id;
    private readonly HashSet<string> _usedWords = new(StringComparer.Ordinal);
    private readonly HashSet<string> _texts = new(StringComparer.Ordinal);
    private readonly HashSet<(SyntheticTopic Topic, int Sentence)> _sessionSentences = [];

    public SyntheticConversationBuilder(SyntheticRandom random, SyntheticDatasetOptions options, string id)
    {
        _random = random;
        _options = options;
        _id = id;
    }

    public (EvaluationConversation Conversation, SyntheticConversationKey Key) Build()
    {
        var userName = DrawValue(r => r.Pick(SyntheticVocabulary.UserFirstNames));
        DrawValue(r => r.Pick(SyntheticVocabulary.UserSurnames));

        var sessions = LayOutSessions();
        var slots = new List<Slot>();
        foreach (var session in sessions)
        {
            for (var t = 0; t < session.Turns; t += 2)
            {
                slots.Add(new Slot(session.Number, t));
            }
        }

        var facts = ChooseFacts(slots.Count);
        var items = new Item?[slots.Count];
        PlaceStatements(facts, items);
        var questions = PlanQuestions(facts);
        PlaceDistractors(facts, items);

        var turns = WriteTurns(sessions, slots, items, userName);
        var idOfSlot = new string[slots.Count];
        for (var k = 0; k < slots.Count; k++)
        {
            idOfSlot[k] = TurnId(slots[k].Session, slots[k].Turn);
        }

        var datasetQuestions = new List<EvaluationQuestion>();
        var keys = new List<SyntheticQuestionKey>();
        foreach (var question in questions.Take(_options.MaxQuestions))
        {
            var id = "q" + (datasetQuestions.Count + 1).ToString(CultureInfo.InvariantCulture);
            datasetQuestions.Add(new EvaluationQuestion
            {
                Id = id,
                Question = question.Text,
                Answer = question.Answer,
                Evidence = [.. question.Evidence.Select(i => idOfSlot[i])],
            });
            var fact = question.Fact;
            var distractors = fact.Distractors.SelectMany(d => d.Exchange ? new[] { idOfSlot[d.Slot], AssistantTurnId(slots[d.Slot]) } : [idOfSlot[d.Slot]]);
            var answerTurns = question.Evidence.Concat(fact.Mentions).Append(fact.StatementSlot).Concat(fact.UpdateSlot is { } u ? [u] : []).Concat(fact.Dependants)
                .Distinct().Order().Select(i => idOfSlot[i]);
            keys.Add(new SyntheticQuestionKey(id, fact.Kind.Name, question.Type, [.. distractors], [.. answerTurns]));
        }

        var conversation = new EvaluationConversation { Id = _id, Turns = turns, Questions = datasetQuestions };
        return (conversation, new SyntheticConversationKey(_id, keys));
    }

    private static string TurnId(int session, int turn) => string.Create(CultureInfo.InvariantCulture, $"D{session}:{turn + 1}");

    private static string AssistantTurnId(Slot slot) => TurnId(slot.Session, slot.Turn + 1);

    private List<Session> LayOutSessions()
    {
        var count = _random.Between(_options.MinSessions, _options.MaxSessions);
        var sessions = new List<Session>(count);
        var minPairs = Math.Max(1, _options.MinTurnsPerSession / 2);
        var maxPairs = Math.Max(minPairs, _options.MaxTurnsPerSession / 2);
        for (var s = 1; s <= count; s++)
        {
            var turns = 2 * _random.Between(minPairs, maxPairs);
            var first = _random.Pick(SyntheticTopics.All);
            var second = _random.Chance(0.5) ? _random.Pick(SyntheticTopics.All) : first;
            sessions.Add(new Session(s, turns, first, second, SwitchAt: 2 * _random.Between(1, Math.Max(1, turns / 2 - 1))));
        }

        return sessions;
    }

    // Picks the fact kinds (a two-hop kind brings its base), then which of them are updated.
    private List<Fact> ChooseFacts(int userTurns)
    {
        var most = Math.Max(1, Math.Min(_options.MaxFacts, userTurns / 4));
        var count = _random.Between(Math.Min(_options.MinFacts, most), most);
        var kinds = SyntheticFacts.All.ToList();
        _random.Shuffle(kinds);
        var chosen = new List<SyntheticFactKind>();
        var twoHop = 0;
        foreach (var kind in kinds)
        {
            if (chosen.Count >= count || chosen.Contains(kind))
            {
                continue;
            }

            if (kind.Base is { } baseName)
            {
                if (twoHop >= Math.Max(1, (int)Math.Round(count * TwoHopShare)))
                {
                    continue;
                }

                var baseKind = SyntheticFacts.All.First(k => k.Name == baseName);
                var needed = chosen.Contains(baseKind) ? 1 : 2;
                if (chosen.Count + needed > count)
                {
                    continue;
                }

                twoHop++;
                if (!chosen.Contains(baseKind))
                {
                    chosen.Add(baseKind);
                }
            }

            chosen.Add(kind);
        }

        var facts = chosen.Select(kind => new Fact(kind)).ToList();
        var target = (int)Math.Round(facts.Count * UpdatedShare, MidpointRounding.AwayFromZero);
        var candidates = facts.Where(f => f.Kind.CanUpdate).ToList();
        _random.Shuffle(candidates);
        var updated = 0;
        foreach (var fact in candidates)
        {
            if (updated < target && !fact.Kind.InvalidatedByUpdate.Any(name => facts.Any(f => f.Kind.Name == name)))
            {
                fact.Updated = true;
                updated++;
            }
        }

        foreach (var fact in facts)
        {
            fact.Value = DrawValue(fact.Kind.Draw);
            fact.Aux = fact.Kind.DrawAux is { } aux ? DrawValue(aux) : null;
            if (fact.Updated)
            {
                fact.Old = fact.Value;
                fact.Value = DrawValue(fact.Kind.Draw);
                fact.UpdateNamesOld = fact.Kind.UpdatesNew.Length == 0 || (fact.Kind.UpdatesNamingOld.Length > 0 && _random.Chance(0.5));
            }
        }

        foreach (var fact in facts)
        {
            if (fact.Kind.Base is { } baseName)
            {
                fact.BaseFact = facts.First(f => f.Kind.Name == baseName);
            }
        }

        return facts;
    }

    private void PlaceStatements(List<Fact> facts, Item?[] items)
    {
        var n = items.Length;

        // Base facts first, so that two-hop statements can follow them.
        foreach (var fact in facts.OrderBy(f => f.Kind.Base is null ? 0 : 1))
        {
            if (fact.BaseFact is { } baseFact)
            {
                fact.StatementSlot = Place(items, baseFact.StatementSlot + 1, n, new Item(fact, ItemKind.Statement, null));
                baseFact.Dependants.Add(fact.StatementSlot);
                continue;
            }

            // Something must follow an updated fact's statement (the update) and a two-hop fact's person (the
            // statement about them), so those statements stay out of the conversation's end.
            var followed = fact.Updated || facts.Any(f => f.BaseFact == fact);
            var end = followed ? Math.Max(1, (int)(n * 0.7)) : n;
            fact.StatementSlot = Place(items, 0, end, new Item(fact, ItemKind.Statement, null));
            if (fact.Updated)
            {
                fact.UpdateSlot = Place(items, fact.StatementSlot + 1, n, new Item(fact, ItemKind.Update, null));
            }
        }

        foreach (var fact in facts)
        {
            if (fact.Kind.Mentions.Length > 0 && _random.Chance(MentionChance))
            {
                var slot = Place(items, fact.StatementSlot + 1, n, new Item(fact, ItemKind.Mention, null), optional: true);
                if (slot >= 0)
                {
                    fact.Mentions.Add(slot);
                }
            }
        }
    }

    private List<PlannedQuestion> PlanQuestions(List<Fact> facts)
    {
        var questions = new List<PlannedQuestion>();
        foreach (var fact in facts)
        {
            var kind = fact.Kind;
            if (fact.BaseFact is { } baseFact)
            {
                questions.Add(new PlannedQuestion(fact, Expand(_random.Pick(kind.Questions), fact), fact.Value, [baseFact.StatementSlot, fact.StatementSlot], "two-hop"));
            }
            else if (!fact.Updated)
            {
                questions.Add(new PlannedQuestion(fact, Expand(_random.Pick(kind.Questions), fact), fact.Value, [fact.StatementSlot], "fact"));
            }
            else
            {
                var update = fact.UpdateSlot!.Value;
                var roll = _random.NextDouble();
                if (roll < 0.85)
                {
                    questions.Add(new PlannedQuestion(fact, Expand(_random.Pick(kind.CurrentQuestions), fact), fact.Value, [update], "current"));
                }

                if (roll >= 0.7)
                {
                    // Only an update that names the old value answers a question about it alone.
                    int[] evidence = fact.UpdateNamesOld ? [update] : [fact.StatementSlot, update];
                    questions.Add(new PlannedQuestion(fact, Expand(_random.Pick(kind.OldQuestions), fact), fact.Old!, evidence, "old"));
                }
            }
        }

        return questions;
    }

    private void PlaceDistractors(List<Fact> facts, Item?[] items)
    {
        foreach (var fact in facts)
        {
            var roll = _random.NextDouble();
            var count = Math.Min(fact.Kind.Distractors.Length, roll < 0.4 ? 1 : roll < 0.8 ? 2 : 3);
            var templates = fact.Kind.Distractors.ToList();
            _random.Shuffle(templates);
            foreach (var template in templates.Take(count))
            {
                var exchange = template.Contains("||", StringComparison.Ordinal);
                var slot = Place(items, 0, items.Length, new Item(fact, ItemKind.Distractor, template), optional: true);
                if (slot >= 0)
                {
                    fact.Distractors.Add(new PlacedDistractor(slot, exchange));
                }
            }
        }
    }

    // A uniformly chosen free slot in [from, to), or else any free slot from 'from' on; -1 when optional and none is left.
    private int Place(Item?[] items, int from, int to, Item item, bool optional = false)
    {
        from = Math.Min(from, items.Length);
        var free = new List<int>();
        for (var i = from; i < Math.Min(to, items.Length); i++)
        {
            if (items[i] is null)
            {
                free.Add(i);
            }
        }

        if (free.Count == 0)
        {
            for (var i = from; i < items.Length; i++)
            {
                if (items[i] is null)
                {
                    free.Add(i);
                }
            }
        }

        if (free.Count == 0)
        {
            return optional ? -1 : throw new InvalidOperationException("The synthetic conversation ran out of user turns to plant facts in.");
        }

        var slot = _random.Pick(free);
        items[slot] = item;
        return slot;
    }

    private List<EvaluationTurn> WriteTurns(List<Session> sessions, List<Slot> slots, Item?[] items, string userName)
    {
        var turns = new List<EvaluationTurn>();
        var k = 0;
        foreach (var session in sessions)
        {
            // Within a session the assistant does not repeat itself until a topic's sentences run out.
            _sessionSentences.Clear();
            for (var t = 0; t < session.Turns; t += 2)
            {
                var topic = t < session.SwitchAt ? session.First : session.Second;
                var opensTopic = t == 0 || t == session.SwitchAt && session.Second != session.First;
                var item = items[k];
                var (user, assistantLead) = WriteUserTurn(item, topic, opensTopic, greet: t == 0);
                turns.Add(new EvaluationTurn { Id = TurnId(session.Number, t), Speaker = userName, Role = EvaluationTurn.UserRole, Text = user, Session = session.Number });
                var reply = WriteAssistantTurn(item, topic, assistantLead);
                turns.Add(new EvaluationTurn { Id = TurnId(session.Number, t + 1), Speaker = AssistantSpeaker, Role = EvaluationTurn.AssistantRole, Text = reply, Session = session.Number });
                k++;
            }
        }

        return turns;
    }

    private (string Text, string? AssistantLead) WriteUserTurn(Item? item, SyntheticTopic topic, bool opensTopic, bool greet)
    {
        for (var attempt = 0; ; attempt++)
        {
            // A greeting or thanks, then the message proper; a planted sentence goes between them or at the end.
            var prefix = opensTopic
                ? (greet && _random.Chance(0.6) ? _random.Pick(SyntheticTopics.Greetings) : string.Empty)
                : Expand(_random.Pick(SyntheticTopics.Thanks));
            var body = Expand(_random.Pick(opensTopic ? topic.Openers : topic.FollowUps));
            string text;
            string? lead = null;
            if (item is null)
            {
                // Everyday details carry numbers and names too, so facts do not stand out by having them.
                text = _random.Chance(0.4) ? Join(prefix, body, Expand(_random.Pick(SyntheticTopics.Details))) : Join(prefix, body);
            }
            else if (item.Kind == ItemKind.Distractor && item.Template!.Split("||") is [var ask, var answer])
            {
                // The user asks about the fact's topic in another context; the assistant answers generically.
                text = Join(prefix, Expand(ask.Trim(), item.Fact));
                lead = Expand(answer.Trim(), item.Fact);
            }
            else
            {
                var template = item.Kind switch
                {
                    ItemKind.Statement => _random.Pick(item.Fact.Kind.Statements),
                    ItemKind.Update => _random.Pick(item.Fact.UpdateNamesOld ? item.Fact.Kind.UpdatesNamingOld : item.Fact.Kind.UpdatesNew),
                    ItemKind.Mention => _random.Pick(item.Fact.Kind.Mentions),
                    _ => item.Template!,
                };
                // An updated fact is first stated with its old value.
                var sentence = Expand(template, item.Fact, original: item.Kind == ItemKind.Statement);
                if (_random.Chance(0.5))
                {
                    text = Join(prefix, sentence, body);
                }
                else
                {
                    var aside = _random.Pick(SyntheticTopics.Asides);
                    text = Join(prefix, body, aside.Length > 0 && CanLowerFirst(template) ? aside + LowerFirst(sentence) : aside + sentence);
                }

                if (item.Kind is ItemKind.Statement or ItemKind.Update && item.Fact.Kind.Acknowledgements.Length > 0 && _random.Chance(0.6))
                {
                    lead = _random.Pick(item.Fact.Kind.Acknowledgements);
                }
            }

            if (_texts.Add(text) || attempt >= 20)
            {
                return (text, lead);
            }
        }
    }

    private string WriteAssistantTurn(Item? item, SyntheticTopic topic, string? lead)
    {
        var exchange = item is { Kind: ItemKind.Distractor, Template: { } t } && t.Contains("||", StringComparison.Ordinal);
        for (var attempt = 0; ; attempt++)
        {
            string text;
            if (exchange)
            {
                text = Join(Expand(_random.Pick(SyntheticTopics.ReplyOpenings)), lead!, _random.Chance(0.5) ? Sentences(topic, _random.Between(1, 3)) : string.Empty, Expand(_random.Pick(SyntheticTopics.ReplyClosings)));
            }
            else
            {
                var count = _random.Chance(0.15) ? _random.Between(7, 11) : _random.Between(2, 6);
                text = Join(lead ?? string.Empty, Expand(_random.Pick(SyntheticTopics.ReplyOpenings)), Sentences(topic, count), Expand(_random.Pick(SyntheticTopics.ReplyClosings)));
            }

            if (_texts.Add(text) || attempt >= 20)
            {
                return text;
            }
        }
    }

    private string Sentences(SyntheticTopic topic, int count)
    {
        var order = Enumerable.Range(0, topic.Sentences.Length).ToList();
        _random.Shuffle(order);
        var fresh = order.Where(i => !_sessionSentences.Contains((topic, i))).ToList();
        if (fresh.Count < count)
        {
            _sessionSentences.RemoveWhere(used => used.Topic == topic);
            fresh = order;
        }

        var chosen = fresh.Take(Math.Min(count, fresh.Count)).ToList();
        foreach (var i in chosen)
        {
            _sessionSentences.Add((topic, i));
        }

        return string.Join(' ', chosen.Select(i => Expand(topic.Sentences[i])));
    }

    private string Expand(string template, Fact? fact = null, bool original = false) => Articles(SyntheticTemplate.Expand(template, _random, slot => slot switch
    {
        "value" => original ? fact!.Old ?? fact.Value : fact!.Value,
        "old" => fact!.Old ?? throw new InvalidOperationException($"Template uses {{old}} for a fact that was not updated: {template}"),
        "aux" => fact!.Aux ?? throw new InvalidOperationException($"Template uses {{aux}} but its kind draws none: {template}"),
        "base" => fact!.BaseFact!.Value,
        "other" => DrawValue(fact!.Kind.Draw, distractor: true),
        "person" => DrawValue(r => r.Pick(SyntheticVocabulary.BystanderNames), distractor: true),
        "friend" => _random.Pick(SyntheticVocabulary.FillerNames),
        "minutes" => SyntheticVocabulary.FillerNumber(_random, 50, 95),
        "count" => SyntheticVocabulary.FillerNumber(_random, 51, 480),
        "price" => SyntheticVocabulary.FillerNumber(_random, 55, 99),
        "steps" => SyntheticVocabulary.FillerNumber(_random, 5_050, 12_900),
        _ => throw new InvalidOperationException($"Unknown slot {{{slot}}} in template: {template}"),
    }));

    // "a Opel Astra" → "an Opel Astra": slots are filled after the template's article was written. Words starting
    // with "u" or "one" are left alone ("a UX researcher", "a one-to-one").
    private static string Articles(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            builder.Append(text[i]);
            var isArticle = (text[i] == 'a' || text[i] == 'A') && (i == 0 || !char.IsLetter(text[i - 1])) && i + 2 < text.Length && text[i + 1] == ' ';
            if (isArticle && "aeioAEIO".Contains(text[i + 2], StringComparison.Ordinal) && !text.AsSpan(i + 2).StartsWith("one", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append('n');
            }
        }

        return builder.ToString();
    }

    // Answers (and everything else a fact fixes: names, aux values) use words no other value of the conversation
    // uses, bar the shared ones (months, units, ...); distractors' values may repeat among themselves but never use
    // an answer's word. So an answer's words appear only where its fact put them.
    private string DrawValue(Func<SyntheticRandom, string> draw, bool distractor = false)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var value = draw(_random);
            var words = ContentWords.Content(value).Where(w => !SyntheticVocabulary.SharedWords.Contains(w)).ToList();
            if (!words.Any(_usedWords.Contains))
            {
                if (!distractor)
                {
                    _usedWords.UnionWith(words);
                }

                return value;
            }
        }

        throw new InvalidOperationException("A synthetic value pool is exhausted: every value shares a word with one already used in this conversation.");
    }

    private static string Join(params string[] parts) => string.Join(' ', parts.Where(p => p.Length > 0));

    // Templates that start with a slot start with a name; "I" stays capital.
    private static bool CanLowerFirst(string template) =>
        template.Length > 0 && template[0] != '{' && !template.StartsWith("I ", StringComparison.Ordinal) && !template.StartsWith("I'", StringComparison.Ordinal);

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private sealed record Session(int Number, int Turns, SyntheticTopic First, SyntheticTopic Second, int SwitchAt);

    private readonly record struct Slot(int Session, int Turn);

    private enum ItemKind
    {
        Statement,
        Update,
        Mention,
        Distractor,
    }

    private sealed record Item(Fact Fact, ItemKind Kind, string? Template);

    private readonly record struct PlacedDistractor(int Slot, bool Exchange);

    private sealed record PlannedQuestion(Fact Fact, string Text, string Answer, int[] Evidence, string Type);

    private sealed class Fact(SyntheticFactKind kind)
    {
        public SyntheticFactKind Kind { get; } = kind;

        public string Value { get; set; } = string.Empty;

        public string? Old { get; set; }

        public string? Aux { get; set; }

        public bool Updated { get; set; }

        public bool UpdateNamesOld { get; set; }

        public Fact? BaseFact { get; set; }

        public int StatementSlot { get; set; }

        public int? UpdateSlot { get; set; }

        public List<int> Mentions { get; } = [];

        /// <summary>Statements of two-hop facts about this fact's person: they name this fact's value.</summary>
        public List<int> Dependants { get; } = [];

        public List<PlacedDistractor> Distractors { get; } = [];
    }
}
