using FiniteMemory.Policies;
using FiniteMemory.Stages;

namespace FiniteMemory.Tests.Support;

/// <summary>A policy made of a delegate, for tests that need a particular stage sequence.</summary>
public sealed class DelegatePolicy(string name, Action<MemoryFrame> build) : IMemoryPolicy
{
    public string Name => name;

    public string Description => "test policy";

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken)
    {
        build(frame);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A policy whose build is an asynchronous delegate (for stages that await a model).</summary>
public sealed class AsyncDelegatePolicy(string name, Func<MemoryFrame, CancellationToken, ValueTask> build) : IMemoryPolicy
{
    public string Name => name;

    public string Description => "test policy";

    public ValueTask BuildAsync(MemoryFrame frame, CancellationToken cancellationToken) => build(frame, cancellationToken);
}
