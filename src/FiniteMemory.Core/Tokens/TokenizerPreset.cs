namespace FiniteMemory;

/// <summary>Token vocabularies FiniteMemory can count with offline.</summary>
/// <remarks>
/// Each preset is a tiktoken byte-pair vocabulary shipped in a Microsoft.ML.Tokenizers data package,
/// so counting needs no network access and matches OpenAI's own tokenizer for that model family.
/// </remarks>
public enum TokenizerPreset
{
    /// <summary>The <c>o200k_base</c> vocabulary used by GPT-4o, GPT-4.1 and the o-series reasoning models.</summary>
    O200k,

    /// <summary>The <c>cl100k_base</c> vocabulary used by GPT-4, GPT-3.5 Turbo and the text-embedding-3 models.</summary>
    Cl100k,

    /// <summary>The GPT-2 vocabulary (identical to <c>r50k_base</c>), used by GPT-2 and the original GPT-3 models.</summary>
    Gpt2,
}
