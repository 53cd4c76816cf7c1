using Microsoft.Extensions.AI;
using FiniteMemory.Policies;

namespace FiniteMemory;

/// <summary>Adds FiniteMemory to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class FiniteMemoryChatClientBuilderExtensions
{
    /// <summary>Bounds every request of the pipeline to <paramref name="budget"/> tokens with <paramref name="policy"/> (sliding by default).</summary>
    public static ChatClientBuilder UseFiniteMemory(this ChatClientBuilder builder, int budget, IMemoryPolicy? policy = null) =>
        builder.UseFiniteMemory(o =>
        {
            o.Budget = budget;
            o.Policy = policy ?? SlidingPolicy.Instance;
        });

    /// <summary>Bounds every request of the pipeline as configured.</summary>
    /// <exception cref="ArgumentException">The configured options are invalid; the message names the setting.</exception>
    public static ChatClientBuilder UseFiniteMemory(this ChatClientBuilder builder, Action<MemoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MemoryOptions();
        configure(options);
        options.Validate();
        return builder.Use(inner => new FiniteMemoryChatClient(inner, options));
    }
}
