using Microsoft.CodeAnalysis;

namespace FiniteMemory.Generators.Tests.Support;

/// <summary>Reads a run's tracked pipeline steps (the generator names them in <c>TrackingNames</c>).</summary>
internal static class TrackedSteps
{
    /// <summary>Every output of the named step, with why it was produced (New, Unchanged, Modified, Cached, Removed).</summary>
    public static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(this GeneratorRun run, string step) =>
        run.Result.TrackedSteps.TryGetValue(step, out var steps)
            ? [.. steps.SelectMany(s => s.Outputs)]
            : throw new InvalidOperationException($"The run tracked no step '{step}'. Tracked: {string.Join(", ", run.Result.TrackedSteps.Keys)}.");

    /// <summary>The reasons of the named step's outputs whose value matches <paramref name="which"/>.</summary>
    public static IReadOnlyList<IncrementalStepRunReason> Reasons<T>(this GeneratorRun run, string step, Func<T, bool> which) =>
        [.. run.Outputs(step).Where(o => o.Value is T value && which(value)).Select(o => o.Reason)];

    /// <summary>The reasons of every output of the named step.</summary>
    public static IReadOnlyList<IncrementalStepRunReason> Reasons(this GeneratorRun run, string step) =>
        [.. run.Outputs(step).Select(o => o.Reason)];

    /// <summary>The reasons of the source-output steps: Cached everywhere means nothing was written again.</summary>
    public static IReadOnlyList<IncrementalStepRunReason> SourceOutputReasons(this GeneratorRun run) =>
        [.. run.Result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason)];

    /// <summary>The generator's step names (the constants of <c>TrackingNames</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(TrackingNames).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];
}
