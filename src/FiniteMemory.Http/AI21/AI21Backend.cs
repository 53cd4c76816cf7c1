using FiniteMemory.Backends;

namespace FiniteMemory.Http.AI21;

/// <summary>Registers the <c>ai21</c> backend.</summary>
public static class AI21Backend
{
    /// <summary>Creates an <see cref="AI21ChatClient"/> from configuration.</summary>
    /// <exception cref="BackendConfigurationException">No model, or no API key (neither set nor in <c>AI21_API_KEY</c>).</exception>
    [Backend("ai21", Description = "AI21 Studio Jamba chat completions (jamba-large, jamba-mini); key from AI21_API_KEY.")]
    public static AI21ChatClient Create(AI21Settings settings) => new(settings);
}
