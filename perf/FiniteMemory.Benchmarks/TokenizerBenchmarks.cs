using System.IO.Compression;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Benchmarks;

/// <summary>
/// FiniteMemory's tiktoken counter against Microsoft.ML.Tokenizers' TiktokenTokenizer on the same o200k
/// vocabulary: loading it from the data package (what a cold start pays) and counting the sample
/// conversation's text (what each new message pays). Both produce identical counts (tests assert it).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TokenizerBenchmarks
{
    private static readonly Assembly DataAssembly = Assembly.Load(new AssemblyName("Microsoft.ML.Tokenizers.Data.O200kBase"));

    private string[] _texts = null!;
    private TiktokenTokenizer _library = null!;
    private TokenCounter _ours = null!;

    [GlobalSetup]
    public void Setup()
    {
        _texts = [.. ChatJsonl.ReadFile(Path.Combine(BenchmarkData.RepositoryRoot(), "samples", "trip-planner.jsonl"))
            .Select(m => string.Concat(m.Message.Contents.Select(c => c switch
            {
                TextContent t => t.Text,
                FunctionResultContent r => r.Result?.ToString(),
                _ => string.Empty,
            })))];
        _library = TiktokenTokenizer.CreateForEncoding("o200k_base");
        _ours = TokenCounter.For(TokenizerPreset.O200k);
    }

    [Benchmark(Baseline = true, Description = "Load o200k: Microsoft.ML.Tokenizers")]
    [BenchmarkCategory("Load")]
    public object LoadLibrary()
    {
        using var stream = new DeflateStream(DataAssembly.GetManifestResourceStream("o200k_base.tiktoken.deflate")!, CompressionMode.Decompress);
        return TiktokenTokenizer.Create(stream, preTokenizer: null, normalizer: null);
    }

    [Benchmark(Description = "Load o200k: FiniteMemory")]
    [BenchmarkCategory("Load")]
    public object LoadOurs()
    {
        using var stream = DataAssembly.GetManifestResourceStream("o200k_base.tiktoken.deflate")!;
        return TiktokenBpe.Load(stream, TokenizerPreset.O200k);
    }

    [Benchmark(Baseline = true, Description = "Count the sample (212 KB): Microsoft.ML.Tokenizers")]
    [BenchmarkCategory("Count")]
    public int CountLibrary()
    {
        var total = 0;
        foreach (var text in _texts)
        {
            total += _library.CountTokens(text);
        }

        return total;
    }

    [Benchmark(Description = "Count the sample (212 KB): FiniteMemory")]
    [BenchmarkCategory("Count")]
    public int CountOurs()
    {
        var total = 0;
        foreach (var text in _texts)
        {
            total += _ours.CountTokens(text);
        }

        return total;
    }
}
