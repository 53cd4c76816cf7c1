using Microsoft.Extensions.AI;
using FiniteMemory.Policies;

namespace FiniteMemory;

/// <summary>Adds FiniteMemory to a <see cref="ChatClientBuilder"/> pipeline.</summary>
/// <remarks>
/// Where <c>services.AddFiniteMemory(...)</c> registered options in the provider the pipeline is built with, every
/// overload but <see cref="UseFiniteMemory(ChatClientBuilder, MemoryOptions)"/> starts from a copy of them, and what
/// the overload is given explicitly wins. Without them (no service provider, as in a single-file tool), the options
/// are exactly what the call gives. Each built pipeline has its own <see cref="FiniteMemoryChatClient"/>: its own
/// statistics, calibration and conversation cache.
/// </remarks>
public static class FiniteMemoryChatClientBuilderExtensions
{
    private const string NotRegistered =
        "UseFiniteMemory() takes its options from the service provider the pipeline is built with, and none are registered there. " +
        "Call services.AddFiniteMemory(...) and build the pipeline with that provider (e.g. services.AddChatClient(...).UseFiniteMemory()), " +
        "or give the options to the call: UseFiniteMemory(budget) or UseFiniteMemory(o => o.Budget = ...).";

    /// <summary>Bounds every request of the pipeline with the options registered by <c>services.AddFiniteMemory(...)</c>.</summary>
    /// <remarks>Resolved when the pipeline is built; building it with a provider where <c>AddFiniteMemory</c> was not called throws.</remarks>
    /// <exception cref="InvalidOperationException">(From <c>Build</c>.) The provider has no FiniteMemory options; the message says how to register them.</exception>
    public static ChatClientBuilder UseFiniteMemory(this ChatClientBuilder builder) =>
        Use(builder, configure: null, requireRegistered: true);

    /// <summary>
    /// Bounds every request of the pipeline to <paramref name="budget"/> tokens with <paramref name="policy"/>; when
    /// <paramref name="policy"/> is null, the registered options' policy, or <see cref="SlidingPolicy"/> without them.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="budget"/> is not a valid <see cref="MemoryOptions.Budget"/>; the message names the setting.</exception>
    public static ChatClientBuilder UseFiniteMemory(this ChatClientBuilder builder, int budget, IMemoryPolicy? policy = null)
    {
        // The budget is checked now, with the message the options give; the rest can only be checked once the
        // registered options are known, when the pipeline is built.
        new MemoryOptions { Budget = budget }.Validate();
        return Use(builder, o =>
        {
            o.Budget = budget;
            if (policy is not null)
            {
                o.Policy = policy;
            }
        }, requireRegistered: false);
    }

    /// <summary>Bounds every request of the pipeline as <paramref name="configure"/> sets the options (starting from the registered ones, if any).</summary>
    /// <exception cref="ArgumentException">(From <c>Build</c>.) The configured options are invalid; the message names the setting.</exception>
    public static ChatClientBuilder UseFiniteMemory(this ChatClientBuilder builder, Action<MemoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Use(builder, configure, requireRegistered: false);
    }

    /// <summary>Bounds every request of the pipeline with <paramref name="options"/> as given (copied now; the service provider is not consulted).</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public static ChatClientBuilder UseFiniteMemory(this ChatClientBuilder builder, MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var copy = options.Clone();
        return builder.Use(inner => new FiniteMemoryChatClient(inner, copy));
    }

    private static ChatClientBuilder Use(ChatClientBuilder builder, Action<MemoryOptions>? configure, bool requireRegistered)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = RegisteredMemoryOptions.CopyFrom(services)
                ?? (requireRegistered ? throw new InvalidOperationException(NotRegistered) : new MemoryOptions());
            configure?.Invoke(options);
            return new FiniteMemoryChatClient(inner, options);
        });
    }
}
