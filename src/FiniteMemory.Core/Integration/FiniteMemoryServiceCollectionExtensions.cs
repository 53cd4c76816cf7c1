using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using FiniteMemory.Policies;

namespace FiniteMemory;

/// <summary>Registers FiniteMemory with an <see cref="IServiceCollection"/>.</summary>
/// <remarks>
/// <para>What is registered, all as singletons: the <see cref="MemoryOptions"/> through the options pattern
/// (<c>IOptions&lt;MemoryOptions&gt;</c>; <c>services.Configure&lt;MemoryOptions&gt;(...)</c> works too), and an
/// <see cref="ITokenCounter"/> (the shared o200k counter, unless one is registered already).</para>
/// <para>The options start from the services registered in the provider: the <see cref="ITokenCounter"/>, an
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, an <see cref="IConversationSummarizer"/>, an
/// <see cref="IImportanceSource"/>, an <see cref="IMemoryPolicy"/>, every <see cref="IMemoryHooks"/>, a
/// <see cref="TimeProvider"/> and a logger from the <c>ILoggerFactory</c>, each where the options do not set one
/// already. The <c>configure</c> callback runs after that, so what it sets wins (setting
/// <see cref="MemoryOptions.Embedder"/> to null there opts out of a registered embedder). Services are resolved
/// from the root provider once, when the options are first used, and shared by every conversation: register them
/// as singletons.</para>
/// <para><c>ChatClientBuilder.UseFiniteMemory()</c> builds its middleware from these options; a
/// <see cref="MemorySession"/> takes them from <c>IOptions&lt;MemoryOptions&gt;.Value</c>. Both copy them, so
/// each pipeline and session has its own statistics and calibration. The options are read when a pipeline or
/// session is created, not on every request.</para>
/// </remarks>
public static class FiniteMemoryServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="MemoryOptions"/> and the services FiniteMemory uses; see the remarks of the class.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the budget and anything else; runs after the registered services are filled in.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddFiniteMemory(this IServiceCollection services, Action<MemoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddServices(services);
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// Registers the <see cref="MemoryOptions"/> with the policy registered under <paramref name="policy"/>
    /// (see <see cref="MemoryPolicies"/>), and the services FiniteMemory uses; see the remarks of the class.
    /// The policy's declared budget, if it has one, is the budget unless the options set another.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="policy">A registered policy name (case-insensitive), e.g. <c>hybrid</c>; <see cref="MemoryPolicies.Names"/> lists them.</param>
    /// <param name="configure">Sets the budget and anything else; runs after the policy and the registered services are filled in.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentException">No policy has that name; the message lists the registered ones.</exception>
    /// <exception cref="InvalidOperationException">Two assemblies declare a policy of that name.</exception>
    public static IServiceCollection AddFiniteMemory(this IServiceCollection services, string policy, Action<MemoryOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        if (!MemoryPolicies.TryGet(policy, out var registration))
        {
            throw new ArgumentException(MemoryPolicies.UnknownMessage(policy), nameof(policy));
        }

        AddServices(services);
        services.Configure<MemoryOptions>(o =>
        {
            o.Policy = registration.Create();
            if (o.Budget == 0 && registration.Budget is { } budget)
            {
                o.Budget = budget;
            }
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    private static void AddServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();

        // Factories, not types to activate: nothing here needs the container's reflection. The fill-in step is
        // added once, before the first configure callback, so that callbacks can override what it resolved.
        services.TryAddSingleton<ITokenCounter>(static _ => TokenCounter.Default);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MemoryOptions>, MemoryOptionsFromServices>(static sp => new MemoryOptionsFromServices(sp)));
        services.TryAddSingleton(static sp => new RegisteredMemoryOptions(sp.GetRequiredService<IOptions<MemoryOptions>>()));
    }
}
