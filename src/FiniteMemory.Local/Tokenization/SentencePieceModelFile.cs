using Google.Protobuf;

namespace FiniteMemory.Local.Tokenization;

/// <summary>
/// What Microsoft.ML.Tokenizers does not expose of a SentencePiece <c>tokenizer.model</c> (a <c>ModelProto</c> of
/// google/sentencepiece's <c>sentencepiece_model.proto</c>): the type of each piece and the model type, read with
/// Google.Protobuf's <see cref="CodedInputStream"/>.
/// </summary>
internal static class SentencePieceModelFile
{
    // ModelProto.pieces = 1, trainer_spec = 2; SentencePiece.piece = 1, type = 3; TrainerSpec.model_type = 3.
    private const int PiecesField = 1;
    private const int TrainerSpecField = 2;
    private const int NormalType = 1;
    private const int UnusedType = 5;
    private const int ByteType = 6;
    private const int UnigramModel = 1;

    /// <summary>
    /// The unknown, control and user-defined pieces by id: SentencePiece never splits a user-defined piece, and
    /// Hugging Face's tokenizer also matches the control ones (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>) in text.
    /// </summary>
    /// <exception cref="InvalidDataException">The model is Unigram (only BPE is supported).</exception>
    /// <exception cref="InvalidProtocolBufferException">The file is not a protobuf message.</exception>
    public static Dictionary<string, int> SpecialPieces(byte[] model, string path)
    {
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        var input = new CodedInputStream(model);
        var id = 0;
        var modelType = UnigramModel; // the proto's default
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            if (field == PiecesField && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var (piece, type) = ReadPiece(input.ReadBytes());
                if (type is not (NormalType or UnusedType or ByteType) && piece.Length > 0)
                {
                    special.TryAdd(piece, id);
                }

                id++;
            }
            else if (field == TrainerSpecField && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                modelType = ReadModelType(input.ReadBytes()) ?? modelType;
            }
            else
            {
                input.SkipLastField();
            }
        }

        if (id == 0)
        {
            throw new InvalidDataException($"{path}: not a SentencePiece model (it has no pieces).");
        }

        if (modelType == UnigramModel)
        {
            throw new InvalidDataException($"{path}: a SentencePiece Unigram model; only SentencePiece BPE models (Llama 1/2, Mistral, TinyLlama) are supported, because Microsoft.ML.Tokenizers (2.0.1 and 3.0.0 alike) maps a Unigram model's byte-fallback pieces to wrong ids. Use the model's tokenizer.json if it is byte-level BPE.");
        }

        return special;
    }

    private static (string Piece, int Type) ReadPiece(ByteString message)
    {
        var input = message.CreateCodedInput();
        var piece = string.Empty;
        var type = NormalType;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    piece = input.ReadString();
                    break;
                case 3 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint:
                    type = input.ReadEnum();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (piece, type);
    }

    private static int? ReadModelType(ByteString message)
    {
        var input = message.CreateCodedInput();
        int? type = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                type = input.ReadEnum();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return type;
    }
}
