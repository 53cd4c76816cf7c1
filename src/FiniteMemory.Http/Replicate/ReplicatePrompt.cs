namespace FiniteMemory.Http.Replicate;

/// <summary>A conversation written for a Replicate language model.</summary>
/// <param name="SystemPrompt"><c>ChatOptions.Instructions</c> and the system messages, joined by blank lines, sent as the <c>system_prompt</c> input; <see langword="null"/> without any.</param>
/// <param name="Prompt">The other messages rendered by the template, sent as the <c>prompt</c> input.</param>
/// <param name="ModelPromptTemplate">Sent as the <c>prompt_template</c> input; <see langword="null"/> to leave the model's own.</param>
public readonly record struct ReplicatePrompt(string? SystemPrompt, string Prompt, string? ModelPromptTemplate);
