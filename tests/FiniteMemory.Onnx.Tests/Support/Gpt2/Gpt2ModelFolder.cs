namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>
/// A temporary model folder: <c>model.onnx</c> exported by <see cref="Gpt2OnnxBuilder"/>, <c>config.json</c> and
/// optionally <c>tokenizer.json</c>; deleted on dispose.
/// </summary>
internal sealed class Gpt2ModelFolder : IDisposable
{
    private Gpt2ModelFolder(string path) => Path = path;

    public string Path { get; }

    public string ModelPath => System.IO.Path.Combine(Path, "model.onnx");

    public string ConfigPath => System.IO.Path.Combine(Path, "config.json");

    public static Gpt2ModelFolder Create(Gpt2Weights weights, Gpt2ExportOptions? export = null, string? configJson = null, string? tokenizerJson = null)
    {
        var folder = new Gpt2ModelFolder(Directory.CreateTempSubdirectory("fm-onnx-gpt2-").FullName);
        File.WriteAllBytes(folder.ModelPath, Gpt2OnnxBuilder.Build(weights, export));
        File.WriteAllText(folder.ConfigPath, configJson ?? weights.Dimensions.ConfigJson());
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
