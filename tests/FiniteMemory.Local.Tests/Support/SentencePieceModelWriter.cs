using System.Globalization;
using Google.Protobuf;
using static FiniteMemory.Testing.ProtobufFields;

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
                WriteMessage(o, 1, Encode(p =>
                {
                    WriteString(p, 1, piece);
                    p.WriteTag(2, WireFormat.WireType.Fixed32);
                    p.WriteFloat(score);
                    WriteVarint(p, 3, (int)type);
                }));
            }

            WriteMessage(o, 2, Encode(t =>
            {
                WriteVarint(t, 3, (int)modelType);
                WriteVarint(t, 4, pieces.Count);
                WriteVarint(t, 35, byteFallback ? 1 : 0);
                WriteVarint(t, 40, unk);
                WriteVarint(t, 41, bos);
                WriteVarint(t, 42, eos);
                WriteVarint(t, 43, -1);
                WriteString(t, 45, pieces[unk].Piece);
                if (bos >= 0)
                {
                    WriteString(t, 46, pieces[bos].Piece);
                }

                if (eos >= 0)
                {
                    WriteString(t, 47, pieces[eos].Piece);
                }
            }));

            WriteMessage(o, 3, Encode(n =>
            {
                WriteString(n, 1, "identity");
                WriteVarint(n, 3, addDummyPrefix ? 1 : 0);
                WriteVarint(n, 4, removeExtraWhitespaces ? 1 : 0);
                WriteVarint(n, 5, 1);
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
}
