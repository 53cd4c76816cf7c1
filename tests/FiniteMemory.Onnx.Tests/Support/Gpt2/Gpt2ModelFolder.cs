using FiniteMemory.Testing;

namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>
/// A temporary Hugging Face GPT-2 folder from the shared tiny-model fixture (<c>config.json</c>,
/// <c>model.safetensors</c>) with <c>model.onnx</c> exported by <see cref="Gpt2OnnxBuilder"/> and optionally a
/// <c>tokenizer.json</c>; deleted on dispose.
/// </summary>
internal sealed class Gpt2ModelFolder : IDisposable
{
    private Gpt2ModelFolder(string path) => Path = path;

    public string Path { get; }

    public string ModelPath => System.IO.Path.Combine(Path, "model.onnx");

    public string ConfigPath => System.IO.Path.Combine(Path, "config.json");

    /// <summary>
    /// Writes <paramref name="spec"/> and exports it; <paramref name="configJson"/>, when given, then replaces
    /// config.json (to pair the graph with a configuration of another model).
    /// </summary>
    public static Gpt2ModelFolder Create(TinyModelSpec spec, Gpt2ExportOptions? export = null, string? configJson = null, string? tokenizerJson = null)
    {
        var folder = new Gpt2ModelFolder(TinyModels.Write(spec, Directory.CreateTempSubdirectory("fm-onnx-gpt2-").FullName));
        Gpt2OnnxBuilder.Export(folder.Path, export);
        if (configJson is not null)
        {
            File.WriteAllText(folder.ConfigPath, configJson);
        }

        if (tokenizerJson is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(folder.Path, "tokenizer.json"), tokenizerJson);
        }

        return folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
