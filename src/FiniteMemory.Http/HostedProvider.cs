namespace FiniteMemory.Http;

/// <summary>What a hosted backend is: its registered name, display name, public endpoint, an example model and where its key comes from.</summary>
/// <param name="Backend">The registered backend name (for example <c>anthropic</c>), used in configuration errors and metadata.</param>
/// <param name="DisplayName">The provider's name in messages (for example <c>Anthropic</c>).</param>
/// <param name="DefaultEndpoint">The public API's base address, used when the settings name none.</param>
/// <param name="ExampleModel">A model name for the "needs a model" error.</param>
/// <param name="KeyVariables">The environment variables the API key is read from, in order.</param>
internal sealed record HostedProvider(string Backend, string DisplayName, Uri DefaultEndpoint, string ExampleModel, IReadOnlyList<string> KeyVariables);
