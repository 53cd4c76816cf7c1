using System.Diagnostics;
using FiniteMemory.Torch;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// The first call of a fresh process: libtorch's native libraries loaded (patched copy included), the model read,
/// one forward pass. BenchmarkDotNet cannot measure a once-per-process cost, so this prints a stopwatch; run it a
/// few times (`dotnet run -c Release --project perf/FiniteMemory.Benchmarks -- torch-cold-load`).
/// </summary>
internal static class ColdLoad
{
    public static int Run()
    {
        var folder = BenchmarkModel.Folder;
        var watch = Stopwatch.StartNew();
        using var model = TorchDecoder.Load(folder);
        var loaded = watch.Elapsed;
        using var cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        model.Forward(cache, [42], logits);
        var first = watch.Elapsed;
        watch.Restart();
        using (TorchDecoder.Load(folder))
        {
            Console.WriteLine($"cold: load {loaded.TotalMilliseconds:F0} ms, first forward done at {first.TotalMilliseconds:F0} ms; warm load in the same process {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        return 0;
    }
}
