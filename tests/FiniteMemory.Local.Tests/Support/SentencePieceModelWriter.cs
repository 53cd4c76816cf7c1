using System.Globalization;
using Google.Protobuf;

namespace FiniteMemory.Local.Tests.Support;

/// <summary>
/// Writes a SentencePiece <c>tokenizer.model</c> (the <c>ModelProto</c> of google/sentencepiece's
/// <c>src/sentencepiece_model.proto</c>) with Google.Protobuf's <see cref="CodedOutputStream"/>: the pieces with
/// score and type, the trainer spec fields an encoder reads (model type, byte fallback, unk/bos/eos ids and pieces)
/// and the normalizer spec (dummy prefix, whitespace handling). No generated classes, no Python.
/// </summary>
internal static class SentencePieceModelWriter
{
    /// <summary>TrainerSpec.ModelType.</summary>
    public enum ModelType
    {
        Unigram = 1,
        Bpe = 2,
    }

    /// <summary>ModelProto.SentencePiece.Type.</summary>
    public enum PieceType
    {
        Normal = 1,
        Unknown = 2,
        Control = 3,
        UserDefined = 4,
        Unused = 5,
        Byte = 6,
    }

    public static byte[] Write(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces, ModelType modelType, bool byteFallback, bool addDummyPrefix = true, bool removeExtraWhitespaces = false)
    {
        var unk = Index(pieces, PieceType.Unknown);
        var bos = IndexOf(pieces, "<s>");
        var eos = IndexOf(pieces, "</s>");
        return Encode(o =>
        {
            foreach (var (piece, score, type) in pieces)
            {
                Message(o, 1, Encode(p =>
                {
                    String(p, 1, piece);
                    p.WriteTag(2, WireFormat.WireType.Fixed32);
                    p.WriteFloat(score);
                    Varint(p, 3, (int)type);
                }));
            }

            Message(o, 2, Encode(t =>
            {
                Varint(t, 3, (int)modelType);
                Varint(t, 4, pieces.Count);
                Varint(t, 35, byteFallback ? 1 : 0);
                Varint(t, 40, unk);
                Varint(t, 41, bos);
                Varint(t, 42, eos);
                Varint(t, 43, -1);
                String(t, 45, pieces[unk].Piece);
                if (bos >= 0)
                {
                    String(t, 46, pieces[bos].Piece);
                }

                if (eos >= 0)
                {
                    String(t, 47, pieces[eos].Piece);
                }
            }));

            Message(o, 3, Encode(n =>
            {
                String(n, 1, "identity");
                Varint(n, 3, addDummyPrefix ? 1 : 0);
                Varint(n, 4, removeExtraWhitespaces ? 1 : 0);
                Varint(n, 5, 1);
            }));
        });
    }

    /// <summary>The 256 byte-fallback pieces <c>&lt;0x00&gt;</c> … <c>&lt;0xFF&gt;</c>, as SentencePiece names them.</summary>
    public static IEnumerable<(string Piece, float Score, PieceType Type)> BytePieces() =>
        Enumerable.Range(0, 256).Select(static b => (string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"), 0f, PieceType.Byte));

    private static int Index(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces, PieceType type)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            if (pieces[i].Type == type)
            {
                return i;
            }
        }

        throw new ArgumentException($"The model needs a piece of type {type}.", nameof(pieces));
    }

    private static int IndexOf(IReadOnlyList<(string Piece, float Score, PieceType Type)> pieces, string piece)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            if (pieces[i].Piece == piece)
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }

    private static void Varint(CodedOutputStream o, int field, int value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt32(value);
    }

    private static void String(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void Message(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(message));
    }
}
