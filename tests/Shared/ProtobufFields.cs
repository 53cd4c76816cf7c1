using Google.Protobuf;

namespace FiniteMemory.Testing;

/// <summary>
/// The protobuf field writers the tests' hand-written model files share (the ONNX graph builder, the SentencePiece
/// <c>tokenizer.model</c> writer): a message encoded to bytes, and varint, string and nested-message fields, with
/// Google.Protobuf's <see cref="CodedOutputStream"/> and no generated classes.
/// </summary>
internal static class ProtobufFields
{
    /// <summary>The bytes of one message, whose fields <paramref name="write"/> writes.</summary>
    public static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
        }

        return stream.ToArray();
    }

    /// <summary>A varint field (int32, int64, enum and bool fields are all varints; a negative value takes 10 bytes).</summary>
    public static void WriteVarint(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    /// <summary>A string field.</summary>
    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    /// <summary>A nested message field, from the message's encoded bytes.</summary>
    public static void WriteMessage(CodedOutputStream output, int field, byte[] body)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(body));
    }
}
