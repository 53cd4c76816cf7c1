using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace FiniteMemory;

/// <summary>
/// A tiktoken byte-pair-encoding tokenizer that reads the vocabularies shipped in the
/// Microsoft.ML.Tokenizers data packages and produces exactly the ids and counts of
/// <c>Microsoft.ML.Tokenizers.TiktokenTokenizer</c>, but loads an order of magnitude faster.
/// </summary>
/// <remarks>
/// The library builds three dictionaries with a string and an array per token (about 200 ms for o200k),
/// which dominates the start-up of a short-lived CLI. Here every token's bytes live in one blob indexed
/// by rank, and lookups go through an open-addressing table keyed by a hash of the byte span, so loading
/// is one streaming pass of inflate + base64 decode, then one pass to hash the tokens, with a handful of
/// large allocations. The vocabulary is immutable after loading and the only mutable state is a lock-free
/// cache of whole immutable entries, so one instance serves concurrent callers.
/// </remarks>
internal sealed partial class TiktokenBpe
{
    // The pre-tokenizer patterns are copied verbatim from Microsoft.ML.Tokenizers (TiktokenTokenizer.cs):
    // token boundaries, and therefore counts, depend on every detail of them.
    private const string O200kPattern = /*lang=regex*/ @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Cl100kPattern = /*lang=regex*/ @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";
    private const string P50kPattern = /*lang=regex*/ @"'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s";

    private const string EndOfText = "<|endoftext|>";
    private const string EndOfPrompt = "<|endofprompt|>";
    private const string FimPrefix = "<|fim_prefix|>";
    private const string FimMiddle = "<|fim_middle|>";
    private const string FimSuffix = "<|fim_suffix|>";

    /// <summary>Returned by rank lookups for byte sequences that are not tokens.</summary>
    private const int NoRank = int.MaxValue;

    /// <summary>
    /// Pieces up to this many bytes use the quadratic merge (cache-friendly, no heap); longer ones, such as a
    /// long run of spaces or a base64 blob, use the heap-based merge. Both produce the same tokens.
    /// </summary>
    private const int SmallMergeLimit = 128;

    private const int PieceCacheSize = 4096;
    private const int MaxCachedPieceLength = 16;

    /// <summary>Ranks must leave room for a hash tag in a <see cref="_table"/> slot; real vocabularies stay far below.</summary>
    private const int MaxRank = (1 << 24) - 2;

    private static readonly Lazy<TiktokenBpe>[] s_instances =
    [
        new(() => LoadPreset(TokenizerPreset.O200k)),
        new(() => LoadPreset(TokenizerPreset.Cl100k)),
        new(() => LoadPreset(TokenizerPreset.Gpt2)),
    ];

    /// <summary>
    /// A small direct-mapped cache of piece counts. Text repeats its words, and a cached count avoids the vocabulary
    /// lookups, whose table and blob are megabytes apart and so cost a few cache misses per piece.
    /// </summary>
    private readonly PieceCount?[] _pieceCounts = new PieceCount?[PieceCacheSize];

    private readonly Regex _regex;
    private readonly (string Text, int Id)[] _specials;

    /// <summary>Every token's bytes, concatenated in rank order.</summary>
    private readonly byte[] _blob;

    /// <summary>
    /// Token of rank r is <c>_blob[_starts[r].._starts[r + 1]]</c>; an empty range means no such rank. Both arrays keep the
    /// spare capacity they were allocated with (left uninitialized, so it costs no memory); only ranks from the lookup tables index them.
    /// </summary>
    private readonly int[] _starts;

    /// <summary>
    /// Open-addressing table (linear probing, at most half full) for tokens of 3+ bytes. Each slot holds rank + 1 in its
    /// low bits (0 = empty) and the top bits of the token's hash above them, so most mismatches never touch the blob.
    /// </summary>
    private readonly int[] _table;

    /// <summary>Selects the hash bits stored in a <see cref="_table"/> slot; the remaining low bits hold rank + 1.</summary>
    private readonly uint _tagMask;

    /// <summary>Direct lookup for 1- and 2-byte sequences, which are most of the BPE merge probes.</summary>
    private readonly int[] _byteRanks;
    private readonly int[] _pairRanks;

    private TiktokenBpe(TokenizerPreset preset, Regex regex, (string Text, int Id)[] specials, byte[] blob, int[] starts, int[] table, uint tagMask, int[] byteRanks, int[] pairRanks)
    {
        Preset = preset;
        _regex = regex;
        _specials = specials;
        _blob = blob;
        _starts = starts;
        _table = table;
        _tagMask = tagMask;
        _byteRanks = byteRanks;
        _pairRanks = pairRanks;
    }

    /// <summary>The vocabulary this instance counts with.</summary>
    public TokenizerPreset Preset { get; }

    /// <summary>Number of ordinary (non-special) tokens in the vocabulary.</summary>
    public int VocabularySize { get; private init; }

    /// <summary>Returns the shared instance for <paramref name="preset"/>, loading its vocabulary on first use.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="preset"/> is not a defined preset.</exception>
    /// <exception cref="InvalidOperationException">The data package or its resource is missing or corrupt.</exception>
    public static TiktokenBpe Get(TokenizerPreset preset)
    {
        Lazy<TiktokenBpe>[] instances = s_instances;
        if ((uint)preset >= (uint)instances.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown tokenizer preset.");
        }

        return instances[(int)preset].Value;
    }

    /// <summary>Counts the tokens of <paramref name="text"/>, treating special-token text as one special token.</summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        int count = 0;
        int position = 0;
        while (true)
        {
            int special = FindSpecial(text, position, out int which);
            int segmentEnd = special < 0 ? text.Length : special;
            if (segmentEnd > position)
            {
                ReadOnlySpan<char> segment = text[position..segmentEnd];
                foreach (ValueMatch match in _regex.EnumerateMatches(segment))
                {
                    count += CountPiece(segment.Slice(match.Index, match.Length));
                }
            }

            if (special < 0)
            {
                return count;
            }

            count++;
            position = special + _specials[which].Text.Length;
        }
    }

    /// <summary>Encodes <paramref name="text"/> to token ids, exactly as <c>TiktokenTokenizer.EncodeToIds</c> does.</summary>
    public int[] EncodeToIds(ReadOnlySpan<char> text)
    {
        var collector = new IdCollector { Ids = new List<int>(text.Length / 3 + 4) };
        Walk(text, ref collector);
        return [.. collector.Ids];
    }

    /// <summary>
    /// Finds how much of the start of <paramref name="text"/> fits in <paramref name="maxTokens"/> tokens.
    /// </summary>
    /// <param name="text">The text to cut.</param>
    /// <param name="maxTokens">The token budget for the prefix; zero or more.</param>
    /// <param name="tokenCount">The number of tokens of the full encoding that lie in <c>text[..index]</c>.</param>
    /// <returns>
    /// The largest index such that the tokens of the full encoding lying entirely in <c>text[..index]</c> number at most
    /// <paramref name="maxTokens"/>, taken among cut points that fall on a token boundary which is also a character boundary,
    /// so no token straddles the cut and no surrogate pair is split. A cut may fall inside a pre-token piece.
    /// The full length when the whole text fits.
    /// </returns>
    public int GetIndexByTokenCount(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        var finder = new PrefixFinder { MaxTokens = maxTokens };
        Walk(text, ref finder);
        tokenCount = finder.BestCount;
        return finder.BestIndex;
    }

    /// <summary>
    /// Finds how much of the end of <paramref name="text"/> fits in <paramref name="maxTokens"/> tokens.
    /// </summary>
    /// <param name="text">The text to cut.</param>
    /// <param name="maxTokens">The token budget for the suffix; zero or more.</param>
    /// <param name="tokenCount">The number of tokens of the full encoding that lie in <c>text[index..]</c>.</param>
    /// <returns>
    /// The smallest index such that the tokens of the full encoding lying entirely in <c>text[index..]</c> number at most
    /// <paramref name="maxTokens"/>, among the same clean cut points as <see cref="GetIndexByTokenCount"/>.
    /// Zero when the whole text fits.
    /// </returns>
    public int GetIndexByTokenCountFromEnd(ReadOnlySpan<char> text, int maxTokens, out int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        var collector = new BoundaryCollector();
        try
        {
            collector.Add(0, 0);
            Walk(text, ref collector);

            // Tokens are counted from the front, so the suffix after boundary k holds total - before[k] tokens;
            // the earliest boundary that leaves at most maxTokens behind it is the answer.
            int total = collector.Total;
            int needBefore = total - maxTokens;
            ReadOnlySpan<int> before = collector.Before;
            int lo = 0;
            int hi = before.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (before[mid] >= needBefore)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            tokenCount = total - before[lo];
            return collector.Positions[lo];
        }
        finally
        {
            collector.Dispose();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Pre-tokenization and per-piece encoding
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Finds the leftmost special token at or after <paramref name="start"/>, trying specials in the library's
    /// order at each position (its special-token regex is an alternation in that order).
    /// </summary>
    private int FindSpecial(ReadOnlySpan<char> text, int start, out int which)
    {
        while (start < text.Length)
        {
            int relative = text[start..].IndexOf("<|");
            if (relative < 0)
            {
                break;
            }

            int at = start + relative;
            ReadOnlySpan<char> rest = text[at..];
            (string Text, int Id)[] specials = _specials;
            for (int k = 0; k < specials.Length; k++)
            {
                if (rest.StartsWith(specials[k].Text, StringComparison.Ordinal))
                {
                    which = k;
                    return at;
                }
            }

            start = at + 1;
        }

        which = -1;
        return -1;
    }

    private int CountPiece(ReadOnlySpan<char> piece)
    {
        if (piece.Length > MaxCachedPieceLength)
        {
            return CountPieceUncached(piece);
        }

        // Entries are immutable and swapped whole, so a racing reader sees either the old or the new entry, never a mix.
        ref PieceCount? slot = ref _pieceCounts[Hash(MemoryMarshal.AsBytes(piece)) & (PieceCacheSize - 1)];
        PieceCount? cached = Volatile.Read(ref slot);
        if (cached is not null && piece.SequenceEqual(cached.Text))
        {
            return cached.Count;
        }

        int count = CountPieceUncached(piece);
        Volatile.Write(ref slot, new PieceCount(piece.ToString(), count));
        return count;
    }

    private int CountPieceUncached(ReadOnlySpan<char> piece)
    {
        int maxBytes = piece.Length * 3;
        byte[]? rentedBytes = null;
        int[]? rentedInts = null;
        Span<byte> utf8 = maxBytes <= 256 ? stackalloc byte[maxBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int n = EncodeUtf8(piece, utf8, out bool wellFormed);
            ReadOnlySpan<byte> bytes = utf8[..n];
            if (IsWholeToken(piece, bytes, wellFormed, out _))
            {
                return 1;
            }

            Span<int> bounds = n < SmallMergeLimit ? stackalloc int[n + 1] : (rentedInts = ArrayPool<int>.Shared.Rent(n + 1));
            return Merge(bytes, bounds);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedInts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedInts);
            }
        }
    }

    /// <summary>
    /// Mirrors the library's vocabulary fast path: a piece whose text is exactly one token is that token. The library keys
    /// that lookup by decoded strings and drops tokens whose decoding contains U+FFFD, so pieces with a lone surrogate
    /// or a U+FFFD go through the merge like any other piece; the merge can split them differently.
    /// </summary>
    private bool IsWholeToken(ReadOnlySpan<char> piece, ReadOnlySpan<byte> bytes, bool wellFormed, out int rank)
    {
        rank = Rank(bytes);
        return rank != NoRank && wellFormed && (bytes.Length == piece.Length || !piece.Contains('\uFFFD'));
    }

    /// <summary>Visits every token of <paramref name="text"/> in order, with the character index where it ends.</summary>
    private void Walk<TVisitor>(ReadOnlySpan<char> text, ref TVisitor visitor)
        where TVisitor : struct, ITokenVisitor
    {
        int position = 0;
        while (true)
        {
            int special = FindSpecial(text, position, out int which);
            int segmentEnd = special < 0 ? text.Length : special;
            if (segmentEnd > position)
            {
                ReadOnlySpan<char> segment = text[position..segmentEnd];
                foreach (ValueMatch match in _regex.EnumerateMatches(segment))
                {
                    int pieceStart = position + match.Index;
                    int pieceEnd = pieceStart + match.Length;

                    // The regex runs on UTF-16 code units, so in principle a piece boundary could fall inside a surrogate pair.
                    bool endClean = pieceEnd >= text.Length || !(char.IsHighSurrogate(text[pieceEnd - 1]) && char.IsLowSurrogate(text[pieceEnd]));
                    if (!WalkPiece(text.Slice(pieceStart, match.Length), pieceStart, endClean, ref visitor))
                    {
                        return;
                    }
                }
            }

            if (special < 0)
            {
                return;
            }

            position = special + _specials[which].Text.Length;
            if (!visitor.OnToken(_specials[which].Id, position, clean: true))
            {
                return;
            }
        }
    }

    private bool WalkPiece<TVisitor>(ReadOnlySpan<char> piece, int pieceStart, bool endClean, ref TVisitor visitor)
        where TVisitor : struct, ITokenVisitor
    {
        int maxBytes = piece.Length * 3;
        byte[]? rentedBytes = null;
        int[]? rentedInts = null;
        Span<byte> utf8 = maxBytes <= 256 ? stackalloc byte[maxBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int n = EncodeUtf8(piece, utf8, out bool wellFormed);
            ReadOnlySpan<byte> bytes = utf8[..n];
            if (IsWholeToken(piece, bytes, wellFormed, out int whole))
            {
                return visitor.OnToken(whole, pieceStart + piece.Length, endClean);
            }

            Span<int> bounds = n < SmallMergeLimit ? stackalloc int[n + 1] : (rentedInts = ArrayPool<int>.Shared.Rent(n + 1));
            int parts = Merge(bytes, bounds);

            // Map each token's byte end back to a character index; a token that ends inside a character's
            // UTF-8 sequence (or inside a surrogate pair's 4 bytes) is not a clean cut point.
            int charIndex = 0;
            int byteIndex = 0;
            for (int k = 0; k < parts; k++)
            {
                int end = bounds[k + 1];
                while (byteIndex < end)
                {
                    char c = piece[charIndex];
                    if (c < 0x80)
                    {
                        byteIndex++;
                        charIndex++;
                    }
                    else if (c < 0x800)
                    {
                        byteIndex += 2;
                        charIndex++;
                    }
                    else if (char.IsHighSurrogate(c) && charIndex + 1 < piece.Length && char.IsLowSurrogate(piece[charIndex + 1]))
                    {
                        byteIndex += 4;
                        charIndex += 2;
                    }
                    else
                    {
                        byteIndex += 3;
                        charIndex++;
                    }
                }

                bool clean = k == parts - 1 ? endClean : byteIndex == end;
                if (!visitor.OnToken(Rank(bytes[bounds[k]..end]), pieceStart + charIndex, clean))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedInts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedInts);
            }
        }
    }

    /// <summary>
    /// UTF-8 encodes a piece the way the library does: well-formed text as UTF-8, a lone surrogate as its
    /// 3-byte generalized UTF-8 form (not as U+FFFD, which is what <c>Encoding.UTF8</c> would produce).
    /// </summary>
    private static int EncodeUtf8(ReadOnlySpan<char> text, Span<byte> destination, out bool wellFormed)
    {
        OperationStatus status = Utf8.FromUtf16(text, destination, out int read, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done)
        {
            wellFormed = true;
            return written;
        }

        wellFormed = false;
        for (int i = read; i < text.Length; i++)
        {
            uint c = text[i];
            if (c <= 0x7Fu)
            {
                destination[written++] = (byte)c;
            }
            else if (c <= 0x7FFu)
            {
                destination[written++] = (byte)(0xC0u | (c >> 6));
                destination[written++] = (byte)(0x80u | (c & 0x3Fu));
            }
            else if (char.IsHighSurrogate((char)c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                uint value = (uint)char.ConvertToUtf32((char)c, text[++i]);
                destination[written++] = (byte)(0xF0u | (value >> 18));
                destination[written++] = (byte)(0x80u | ((value >> 12) & 0x3Fu));
                destination[written++] = (byte)(0x80u | ((value >> 6) & 0x3Fu));
                destination[written++] = (byte)(0x80u | (value & 0x3Fu));
            }
            else
            {
                destination[written++] = (byte)(0xE0u | (c >> 12));
                destination[written++] = (byte)(0x80u | ((c >> 6) & 0x3Fu));
                destination[written++] = (byte)(0x80u | (c & 0x3Fu));
            }
        }

        return written;
    }

    // ---------------------------------------------------------------------------------------------
    // Byte-pair merge
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs the tiktoken merge over <paramref name="bytes"/>: repeatedly merge the adjacent pair whose concatenation has
    /// the lowest rank (leftmost on ties) until no adjacent pair is a token.
    /// </summary>
    /// <param name="bytes">The piece's UTF-8 bytes, at least one.</param>
    /// <param name="bounds">At least <c>bytes.Length + 1</c> slots; receives the token start offsets followed by the end.</param>
    /// <returns>The number of tokens.</returns>
    private int Merge(ReadOnlySpan<byte> bytes, Span<int> bounds)
    {
        if (bytes.Length == 1)
        {
            bounds[0] = 0;
            bounds[1] = 1;
            return 1;
        }

        return bytes.Length <= SmallMergeLimit ? MergeSmall(bytes, bounds) : MergeLarge(bytes, bounds);
    }

    private int MergeSmall(ReadOnlySpan<byte> bytes, Span<int> starts)
    {
        int n = bytes.Length;
        Span<int> ranks = stackalloc int[n + 1];
        int[] pairRanks = _pairRanks;
        for (int i = 0; i < n - 1; i++)
        {
            starts[i] = i;
            ranks[i] = pairRanks[(bytes[i] << 8) | bytes[i + 1]];
        }

        starts[n - 1] = n - 1;
        starts[n] = n;
        ranks[n - 1] = NoRank;
        ranks[n] = NoRank;

        // starts[0..count) are the current part boundaries (the last is the sentinel n); ranks[i] is the rank of
        // merging parts i and i + 1, i.e. of bytes[starts[i]..starts[i + 2]].
        int count = n + 1;
        while (count > 2)
        {
            int minRank = NoRank;
            int at = -1;
            for (int i = 0; i < count - 2; i++)
            {
                if (ranks[i] < minRank)
                {
                    minRank = ranks[i];
                    at = i;
                }
            }

            if (at < 0)
            {
                break;
            }

            ranks[at] = at + 3 < count ? Rank(bytes[starts[at]..starts[at + 3]]) : NoRank;
            if (at > 0)
            {
                ranks[at - 1] = Rank(bytes[starts[at - 1]..starts[at + 2]]);
            }

            starts[(at + 2)..count].CopyTo(starts[(at + 1)..]);
            ranks[(at + 2)..count].CopyTo(ranks[(at + 1)..]);
            count--;
        }

        return count - 1;
    }

    /// <summary>
    /// The same merge in O(n log n) with a heap of (rank, start) keys, so a megabyte of spaces or one enormous
    /// "word" cannot stall counting. Stale heap entries are skipped lazily: a part's pending merge is valid only while
    /// its recorded rank is unchanged, and a part's right end only grows, so an outdated entry always has another rank.
    /// </summary>
    private int MergeLarge(ReadOnlySpan<byte> bytes, Span<int> bounds)
    {
        int n = bytes.Length;
        int[] end = ArrayPool<int>.Shared.Rent(n);
        int[] prev = ArrayPool<int>.Shared.Rent(n);
        int[] pending = ArrayPool<int>.Shared.Rent(n);
        long[] heap = ArrayPool<long>.Shared.Rent(3 * n);
        try
        {
            int heapCount = 0;
            int[] pairRanks = _pairRanks;
            for (int i = 0; i < n; i++)
            {
                end[i] = i + 1;
                prev[i] = i - 1;
                int rank = i + 1 < n ? pairRanks[(bytes[i] << 8) | bytes[i + 1]] : NoRank;
                pending[i] = rank;
                if (rank != NoRank)
                {
                    HeapPush(heap, ref heapCount, ((long)rank << 32) | (uint)i);
                }
            }

            while (heapCount > 0)
            {
                long top = HeapPop(heap, ref heapCount);
                int rank = (int)(top >> 32);
                int start = (int)(uint)top;
                if (pending[start] != rank)
                {
                    continue;
                }

                int right = end[start];
                int newEnd = end[right];
                end[start] = newEnd;
                pending[right] = -1;
                if (newEnd < n)
                {
                    prev[newEnd] = start;
                    int next = Rank(bytes[start..end[newEnd]]);
                    pending[start] = next;
                    if (next != NoRank)
                    {
                        HeapPush(heap, ref heapCount, ((long)next << 32) | (uint)start);
                    }
                }
                else
                {
                    pending[start] = NoRank;
                }

                if (start > 0)
                {
                    int left = prev[start];
                    int merged = Rank(bytes[left..newEnd]);
                    pending[left] = merged;
                    if (merged != NoRank)
                    {
                        HeapPush(heap, ref heapCount, ((long)merged << 32) | (uint)left);
                    }
                }
            }

            int count = 0;
            for (int i = 0; i < n; i = end[i])
            {
                bounds[count++] = i;
            }

            bounds[count] = n;
            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(end);
            ArrayPool<int>.Shared.Return(prev);
            ArrayPool<int>.Shared.Return(pending);
            ArrayPool<long>.Shared.Return(heap);
        }
    }

    private static void HeapPush(long[] heap, ref int count, long key)
    {
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] <= key)
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = key;
    }

    private static long HeapPop(long[] heap, ref int count)
    {
        long top = heap[0];
        long last = heap[--count];
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= last)
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        if (count > 0)
        {
            heap[i] = last;
        }

        return top;
    }

    // ---------------------------------------------------------------------------------------------
    // Rank lookup
    // ---------------------------------------------------------------------------------------------

    /// <summary>The rank (token id) of a byte sequence, or <see cref="NoRank"/>.</summary>
    private int Rank(ReadOnlySpan<byte> bytes)
    {
        switch (bytes.Length)
        {
            case 1:
                return _byteRanks[bytes[0]];
            case 2:
                return _pairRanks[(bytes[0] << 8) | bytes[1]];
            default:
                break;
        }

        uint hash = Hash(bytes);
        int[] table = _table;
        uint tagMask = _tagMask;
        uint tag = hash & tagMask;
        int mask = table.Length - 1;
        int slot = (int)hash & mask;
        while (true)
        {
            uint entry = (uint)table[slot];
            if (entry == 0)
            {
                return NoRank;
            }

            if ((entry & tagMask) == tag)
            {
                int rank = (int)(entry & ~tagMask) - 1;
                int start = _starts[rank];
                if (bytes.SequenceEqual(_blob.AsSpan(start, _starts[rank + 1] - start)))
                {
                    return rank;
                }
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>
    /// A fast non-cryptographic hash; tokens average under 8 bytes, so short inputs are read in at most two
    /// overlapping words and finished with the murmur3 64-bit mixer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        int n = bytes.Length;
        ulong h;
        if (n >= 8)
        {
            h = (ulong)n * K;
            int i = 0;
            for (; n - i > 8; i += 8)
            {
                h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..])) * K, 29);
            }

            h ^= BinaryPrimitives.ReadUInt64LittleEndian(bytes[(n - 8)..]);
        }
        else if (n >= 4)
        {
            h = (((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(bytes[(n - 4)..])) ^ ((ulong)n * K);
        }
        else
        {
            h = n == 0 ? 0 : bytes[0] | ((ulong)bytes[n >> 1] << 8) | ((ulong)bytes[n - 1] << 16) | ((ulong)n << 24);
        }

        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return (uint)h;
    }

    private static Regex RegexFor(TokenizerPreset preset) => preset switch
    {
        TokenizerPreset.O200k => O200kRegex(),
        TokenizerPreset.Cl100k => Cl100kRegex(),
        _ => P50kRegex(),
    };

    // Same tokens and ids as the library's configuration for each encoding, in the same order.
    private static (string Text, int Id)[] SpecialsFor(TokenizerPreset preset) => preset switch
    {
        TokenizerPreset.O200k => [(EndOfText, 199999), (EndOfPrompt, 200018)],
        TokenizerPreset.Cl100k => [(EndOfText, 100257), (FimPrefix, 100258), (FimMiddle, 100259), (FimSuffix, 100260), (EndOfPrompt, 100276)],
        _ => [(EndOfText, 50256)],
    };

    [GeneratedRegex(O200kPattern)]
    private static partial Regex O200kRegex();

    [GeneratedRegex(Cl100kPattern)]
    private static partial Regex Cl100kRegex();

    [GeneratedRegex(P50kPattern)]
    private static partial Regex P50kRegex();

    // ---------------------------------------------------------------------------------------------
    // Token visitors (structs, so the walk is specialized per use without delegates)
    // ---------------------------------------------------------------------------------------------

    private sealed class PieceCount(string text, int count)
    {
        public string Text { get; } = text;

        public int Count { get; } = count;
    }

    private interface ITokenVisitor
    {
        /// <summary>Receives the next token; <paramref name="clean"/> says whether a cut right after it splits nothing.</summary>
        /// <returns><see langword="false"/> to stop the walk.</returns>
        bool OnToken(int id, int charEnd, bool clean);
    }

    private struct IdCollector : ITokenVisitor
    {
        public List<int> Ids;

        public readonly bool OnToken(int id, int charEnd, bool clean)
        {
            Ids.Add(id);
            return true;
        }
    }

    private struct PrefixFinder : ITokenVisitor
    {
        public int MaxTokens;
        public int Count;
        public int BestIndex;
        public int BestCount;

        public bool OnToken(int id, int charEnd, bool clean)
        {
            if (Count == MaxTokens)
            {
                return false;
            }

            Count++;
            if (clean)
            {
                BestIndex = charEnd;
                BestCount = Count;
            }

            return true;
        }
    }

    /// <summary>Records every clean cut point with the number of tokens before it, in pooled buffers.</summary>
    private struct BoundaryCollector : ITokenVisitor, IDisposable
    {
        private int[]? _positions;
        private int[]? _before;
        private int _length;

        public int Total { get; private set; }

        public readonly ReadOnlySpan<int> Positions => _positions.AsSpan(0, _length);

        public readonly ReadOnlySpan<int> Before => _before.AsSpan(0, _length);

        public bool OnToken(int id, int charEnd, bool clean)
        {
            Total++;
            if (clean)
            {
                Add(charEnd, Total);
            }

            return true;
        }

        public void Add(int position, int before)
        {
            if (_positions is null || _before is null)
            {
                _positions = ArrayPool<int>.Shared.Rent(64);
                _before = ArrayPool<int>.Shared.Rent(64);
            }
            else if (_length == _positions.Length)
            {
                int[] positions = ArrayPool<int>.Shared.Rent(_length * 2);
                int[] counts = ArrayPool<int>.Shared.Rent(_length * 2);
                _positions.AsSpan(0, _length).CopyTo(positions);
                _before.AsSpan(0, _length).CopyTo(counts);
                ArrayPool<int>.Shared.Return(_positions);
                ArrayPool<int>.Shared.Return(_before);
                _positions = positions;
                _before = counts;
            }

            _positions[_length] = position;
            _before[_length] = before;
            _length++;
        }

        public void Dispose()
        {
            if (_positions is not null)
            {
                ArrayPool<int>.Shared.Return(_positions);
            }

            if (_before is not null)
            {
                ArrayPool<int>.Shared.Return(_before);
            }

            _positions = null;
            _before = null;
        }
    }
}
