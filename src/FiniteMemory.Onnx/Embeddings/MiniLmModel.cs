using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace FiniteMemory.Onnx.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 in a folder: the ONNX graph (<c>model.onnx</c>) and the WordPiece vocabulary (<c>vocab.txt</c>),
/// by default <c>models/all-MiniLM-L6-v2/</c> beside the app, where the FiniteMemory.Models.MiniLM package copies them.
/// </summary>
internal sealed class MiniLmModel
{
    /// <summary>The graph's file name inside the folder.</summary>
    public const string ModelFile = "model.onnx";

    /// <summary>The vocabulary's file name inside the folder.</summary>
    public const string VocabularyFile = "vocab.txt";

    // Hugging Face's max_input_chars_per_word: a longer word is one [UNK], so no word is more pieces than this.
    private const int MaxCharsPerWord = 100;

    private const string Fix = "Add the FiniteMemory.Models.MiniLM package, which copies models/all-MiniLM-L6-v2 beside your app, or set MiniLmEmbedderOptions.ModelDirectory to a folder holding model.onnx and vocab.txt.";

    // A tokenizer is immutable and thread-safe: every embedder over one folder shares its vocabulary. A vocabulary that
    // fails to load is not remembered, so a later embedder sees the folder as it is then.
    private static readonly ConcurrentDictionary<string, BertTokenizer> Tokenizers = new(StringComparer.Ordinal);

    private MiniLmModel(string directory, BertTokenizer tokenizer)
    {
        Directory = directory;
        ModelPath = Path.Combine(directory, ModelFile);
        Tokenizer = tokenizer;
    }

    /// <summary>The model in <see cref="MiniLmEmbedderOptions.DefaultModelDirectory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; the message names it and the fix.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the folder, the file and the fix.</exception>
    /// <exception cref="InvalidDataException">The vocabulary cannot be read as one.</exception>
    public static MiniLmModel Default => Open(null);

    /// <summary>The full path of the folder.</summary>
    public string Directory { get; }

    /// <summary>The full path of <c>model.onnx</c>.</summary>
    public string ModelPath { get; }

    /// <summary>
    /// The model's tokenizer: BERT uncased (lower-cased, CJK characters split), except accent stripping, which
    /// <see cref="Tokenize"/> does first.
    /// </summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>
    /// Finds the model in <paramref name="directory"/> (<see cref="MiniLmEmbedderOptions.DefaultModelDirectory"/> when null; a relative path is
    /// resolved against the current directory) and loads its vocabulary, once per folder.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; the message names it and the fix.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the folder, the file and the fix.</exception>
    /// <exception cref="InvalidDataException">The vocabulary cannot be read as one.</exception>
    public static MiniLmModel Open(string? directory)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory ?? MiniLmEmbedderOptions.DefaultModelDirectory));
        if (!System.IO.Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The all-MiniLM-L6-v2 model folder '{folder}' does not exist. {Fix}");
        }

        foreach (var file in (ReadOnlySpan<string>)[ModelFile, VocabularyFile])
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The all-MiniLM-L6-v2 model folder '{folder}' has no {file}. {Fix}", path);
            }
        }

        return new MiniLmModel(folder, Tokenizers.GetOrAdd(folder, CreateTokenizer));
    }

    /// <summary>
    /// Creates an ONNX Runtime session over the graph and checks that it is all-MiniLM-L6-v2's: the inputs the embedder
    /// feeds and a 384-wide <c>last_hidden_state</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the file, or the graph is another model's; the message names the file.</exception>
    public InferenceSession CreateSession(SessionOptions options, IReadOnlyList<string> inputs, string output)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(ModelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{ModelPath}: ONNX Runtime cannot load this graph ({ex.Message}). Replace it with all-MiniLM-L6-v2's model.onnx (restore the FiniteMemory.Models.MiniLM package, or point MiniLmEmbedderOptions.ModelDirectory at an intact copy).", ex);
        }

        var problem = inputs.FirstOrDefault(name => !session.InputMetadata.ContainsKey(name)) is { } missing
            ? $"the graph has no input '{missing}'"
            : !session.OutputMetadata.TryGetValue(output, out var hidden)
                ? $"the graph has no output '{output}'"
                : hidden.Dimensions is not [_, _, MiniLmEmbedder.Dimensions]
                    ? $"output '{output}' has shape [{string.Join(", ", hidden.Dimensions)}], expected [batch, sequence, {MiniLmEmbedder.Dimensions}]"
                    : null;
        if (problem is not null)
        {
            session.Dispose();
            throw new InvalidDataException($"{ModelPath}: {problem}, so it is not all-MiniLM-L6-v2. Replace it with all-MiniLM-L6-v2's model.onnx (from the FiniteMemory.Models.MiniLM package).");
        }

        return session;
    }

    /// <summary>
    /// The model input for one text: [CLS], its first <c>maxTokens - 2</c> word pieces, [SEP]. Like Hugging Face's
    /// truncation, the cut may fall inside a word.
    /// </summary>
    public int[] Tokenize(string text, int maxTokens)
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

    private static BertTokenizer CreateTokenizer(string folder)
    {
        var path = Path.Combine(folder, VocabularyFile);
        try
        {
            // bert-base-uncased, whose vocabulary all-MiniLM-L6-v2 uses, also strips accents (Hugging Face's
            // strip_accents follows do_lower_case). Tokenize does that with AccentStripping: the tokenizer's own option
            // relies on ICU and silently does nothing under InvariantGlobalization.
            return BertTokenizer.Create(path, new BertOptions
            {
                LowerCaseBeforeTokenization = true,
                RemoveNonSpacingMarks = false,
                IndividuallyTokenizeCjk = true,
                ApplyBasicTokenization = true,
                MaxInputCharsPerWord = MaxCharsPerWord,
            });
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a WordPiece vocabulary ({ex.Message}). Replace it with all-MiniLM-L6-v2's vocab.txt (from the FiniteMemory.Models.MiniLM package).", ex);
        }
    }
}
