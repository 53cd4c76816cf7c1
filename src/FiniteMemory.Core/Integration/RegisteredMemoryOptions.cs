using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FiniteMemory;

/// <summary>
/// The options <c>AddFiniteMemory</c> registered. Its presence in a provider is what tells <c>UseFiniteMemory</c> to
/// start from them: a bare <c>IOptions&lt;MemoryOptions&gt;</c> resolves in any host that called <c>AddOptions()</c>,
/// registered or not.
/// </summary>
internal sealed class RegisteredMemoryOptions(IOptions<MemoryOptions> options)
{
    /// <summary>A copy of the registered options, or null when <c>AddFiniteMemory</c> was not called on <paramref name="services"/>.</summary>
    public static MemoryOptions? CopyFrom(IServiceProvider services) =>
        services.GetService<RegisteredMemoryOptions>()?.Copy();

    private MemoryOptions Copy() => options.Value.Clone();
}
