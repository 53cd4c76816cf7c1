using System.Diagnostics;
using FiniteMemory.Torch;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// The first call of a fresh process: libtorch's native libraries loaded (patched copy included), the model read,
/// one forward pass, then a warm load and 20 decode steps for a quick look. BenchmarkDotNet cannot measure a
/// once-per-process cost, so this prints a stopwatch; run it a few times
/// (`dotnet run -c Release --project perf/FiniteMemory.Benchmarks -- torch-cold-load [threads]`).
/// </summary>
internal static class ColdLoad
{
    public static int Run(int? threads)
    {
        var folder = BenchmarkModel.Folder;
        var watch = Stopwatch.StartNew();
        using var model = TorchDecoder.Load(folder, threads);
        var loaded = watch.Elapsed;
        using var cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        model.Forward(cache, [42], logits);
        var first = watch.Elapsed;
        watch.Restart();
        using (TorchDecoder.Load(folder, threads))
        {
            var warm = watch.Elapsed;
            model.Forward(cache, [.. Enumerable.Range(0, 255).Select(static i => (i * 131) % 50000)], logits);
            watch.Restart();
            for (var i = 0; i < 20; i++)
            {
                model.Forward(cache, [1234], logits);
                cache.Truncate(256);
            }

            Console.WriteLine($"cold: load {loaded.TotalMilliseconds:F0} ms, first forward done at {first.TotalMilliseconds:F0} ms; warm load {warm.TotalMilliseconds:F0} ms; decode {watch.Elapsed.TotalMilliseconds / 20:F1} ms/token (threads {threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"})");
        }

        return 0;
    }
}
