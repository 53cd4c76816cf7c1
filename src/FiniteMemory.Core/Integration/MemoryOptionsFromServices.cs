using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FiniteMemory.Policies;

namespace FiniteMemory;

/// <summary>
/// Fills the registered <see cref="MemoryOptions"/> from the service provider, only where a setting is still at its
/// default: an earlier <c>Configure&lt;MemoryOptions&gt;</c> keeps what it set, and the <c>AddFiniteMemory</c>
/// callback, which runs after this step, can override or clear anything it resolved.
/// </summary>
internal sealed class MemoryOptionsFromServices(IServiceProvider services) : IConfigureOptions<MemoryOptions>
{
    /// <summary>The category of the logger taken from a registered <see cref="ILoggerFactory"/>.</summary>
    public const string LoggerCategory = "FiniteMemory";

    public void Configure(MemoryOptions options)
    {
        options.TokenCounter ??= services.GetService<ITokenCounter>();
        options.Embedder ??= services.GetService<IEmbeddingGenerator<string, Embedding<float>>>();
        options.Summarizer ??= services.GetService<IConversationSummarizer>();
        options.Importance ??= services.GetService<IImportanceSource>();
        options.Logger ??= services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory);

        if (ReferenceEquals(options.Policy, SlidingPolicy.Instance) && services.GetService<IMemoryPolicy>() is { } policy)
        {
            options.Policy = policy;
        }

        if (ReferenceEquals(options.TimeProvider, TimeProvider.System) && services.GetService<TimeProvider>() is { } clock)
        {
            options.TimeProvider = clock;
        }

        foreach (var hook in services.GetServices<IMemoryHooks>())
        {
            if (!options.Hooks.Contains(hook))
            {
                options.Hooks.Add(hook);
            }
        }
    }
}
