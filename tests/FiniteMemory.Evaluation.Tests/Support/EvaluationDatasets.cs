namespace FiniteMemory.Evaluation.Tests;

/// <summary>Datasets the evaluation tests share: a tiny hand-written one, small generated ones, and the default generated one (built once).</summary>
internal static class EvaluationDatasets
{
    private static readonly Lazy<(EvaluationDataset Dataset, IReadOnlyList<SyntheticConversationKey> Keys)> DefaultGenerated =
        new(() => SyntheticDataset.GenerateWithKeys(seed: 1), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Small conversations (4–6 sessions of 12–16 turns, 6–8 facts) for fast property tests.</summary>
    public static readonly SyntheticDatasetOptions Small = new()
    {
        Conversations = 3,
        MinSessions = 4,
        MaxSessions = 6,
        MinTurnsPerSession = 12,
        MaxTurnsPerSession = 16,
        MinFacts = 6,
        MaxFacts = 8,
    };

    /// <summary>The default synthetic dataset (seed 1, 10 long conversations) and its key, generated once for all tests.</summary>
    public static (EvaluationDataset Dataset, IReadOnlyList<SyntheticConversationKey> Keys) Default => DefaultGenerated.Value;

    /// <summary>
    /// Six turns and five questions whose scores under sliding can be worked out by hand (see MemoryEvaluatorTests).
    /// </summary>
    public static EvaluationDataset Tiny() => EvaluationDatasetFile.Parse(TinyJson);

    public const string TinyJson = """
        {"conversations":[{"id":"c1",
          "turns":[
            {"id":"t1","speaker":"Ann Lee","role":"user","text":"My dog is called Biscuit.","session":1},
            {"id":"t2","speaker":"Assistant","role":"assistant","text":"Lovely name.","session":1},
            {"id":"t3","speaker":"Ann Lee","role":"user","text":"I live in Porto.","session":1},
            {"id":"t4","speaker":"Assistant","role":"assistant","text":"Nice city.","session":2},
            {"id":"t5","speaker":"Ann Lee","role":"user","text":"My sister Clara visits soon.","session":2},
            {"id":"t6","speaker":"Assistant","role":"assistant","text":"Have fun with Clara.","session":2}],
          "questions":[
            {"id":"q1","question":"What is my dog called?","answer":"Biscuit","evidence":["t1"]},
            {"id":"q2","question":"Where do I live?","answer":"Porto","evidence":["t3"]},
            {"id":"q3","question":"Who visits soon?","answer":"Clara","evidence":["t5"]},
            {"id":"q4","question":"Which city do I live in, and who visits?","answer":"Clara","evidence":["t3","t5"]},
            {"id":"q5","question":"Is my dog Biscuit?","answer":"Biscuit","evidence":["t1"]}]}]}
        """;
}
