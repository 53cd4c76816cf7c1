using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FiniteMemory.Benchmarks.Decoders;

/// <summary>
/// The decoder benchmarks' job: in process (no per-job build of a second executable, which takes minutes on the
/// shared 2-core machine), Monitoring strategy with one invocation per iteration (each operation takes milliseconds to
/// seconds and the cache state it starts from is set by the operation itself), one warm-up and five measured iterations.
/// </summary>
public sealed class DecoderBenchmarkConfig : ManualConfig
{
    public DecoderBenchmarkConfig() =>
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
}
