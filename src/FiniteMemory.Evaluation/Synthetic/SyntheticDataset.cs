namespace FiniteMemory.Evaluation;

/// <summary>
/// Generates memory-quality datasets without any external data: long multi-session chats between a user and an
/// assistant, with facts about the user's life planted in passing, later updates of some facts, distractors with
/// similar words, and paraphrased questions whose evidence lies anywhere in the conversation.
/// </summary>
/// <remarks>
/// Deterministic: the same seed and options give the same dataset, byte for byte once serialized with
/// <see cref="EvaluationDatasetFile.Serialize"/>, on any machine and runtime (the generator uses its own SplitMix64
/// stream, never <see cref="Random"/>). Conversation <c>i</c> depends only on the seed, <c>i</c> and the shape
/// options, not on how many conversations are generated.
/// </remarks>
public static class SyntheticDataset
{
    /// <summary>Generates a dataset.</summary>
    /// <param name="seed">Any number; equal seeds give equal datasets.</param>
    /// <param name="options">Its shape; <see cref="SyntheticDatasetOptions"/>' defaults when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static EvaluationDataset Generate(long seed, SyntheticDatasetOptions? options = null) => GenerateWithKeys(seed, options).Dataset;

    /// <summary>Generates a dataset and the generator's key to it (question types, distractor turns).</summary>
    internal static (EvaluationDataset Dataset, IReadOnlyList<SyntheticConversationKey> Keys) GenerateWithKeys(long seed, SyntheticDatasetOptions? options = null)
    {
        options ??= new SyntheticDatasetOptions();
        options.Validate();
        var conversations = new EvaluationConversation[options.Conversations];
        var keys = new SyntheticConversationKey[options.Conversations];
        for (var i = 0; i < options.Conversations; i++)
        {
            var random = SyntheticRandom.ForStream(unchecked((ulong)seed), (ulong)i);
            var id = "c" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            (conversations[i], keys[i]) = new SyntheticConversationBuilder(random, options, id).Build();
        }

        return (new EvaluationDataset { Conversations = conversations }, keys);
    }
}
