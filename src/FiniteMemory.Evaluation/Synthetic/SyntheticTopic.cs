namespace FiniteMemory.Evaluation;

/// <summary>
/// A subject of small talk or everyday help that fills the synthetic conversations between facts: what the user
/// opens a session with, how they follow up, and sentences an assistant's answer is built from.
/// </summary>
/// <param name="Name">The topic's name (for reading the catalogue; not written to datasets).</param>
/// <param name="Openers">User messages that start the topic.</param>
/// <param name="FollowUps">User messages that continue it.</param>
/// <param name="Sentences">Sentences of helpful answers; a reply takes several, without repeats.</param>
internal sealed record SyntheticTopic(string Name, string[] Openers, string[] FollowUps, string[] Sentences);
