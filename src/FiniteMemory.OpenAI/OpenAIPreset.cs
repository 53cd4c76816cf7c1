namespace FiniteMemory.OpenAI;

/// <summary>
/// What FiniteMemory knows about one OpenAI-compatible server: where it usually listens, how it authenticates,
/// where its key is usually kept, and the vocabulary closest to its models' tokenizer (the engine calibrates the
/// remaining difference from the usage the server reports).
/// </summary>
/// <param name="Name">The preset's name, also registered as a backend name.</param>
/// <param name="Description">One line naming the server.</param>
/// <param name="BaseUrl">The server's default base address, ending in <c>/v1</c>.</param>
/// <param name="Auth">How the server authenticates.</param>
/// <param name="KeyVariable">The environment variable its key is read from when none is configured; null when it takes no key.</param>
/// <param name="Tokenizer">The vocabulary FiniteMemory counts with for this server.</param>
/// <param name="ExampleModel">A model the server serves, for the error that asks for one.</param>
public sealed record OpenAIPreset(string Name, string Description, Uri BaseUrl, OpenAIAuth Auth, string? KeyVariable, TokenizerPreset Tokenizer, string ExampleModel);
