using System.Buffers.Binary;
using System.Text;
using FiniteMemory.Local.SafeTensors;
using FiniteMemory.Testing;
using TUnit.Assertions.Enums;

namespace FiniteMemory.Local.Tests.SafeTensors;

public class SafeTensorsFileTests
{
    private static string TempFile() => Path.Combine(TestModels.Folder("safetensors"), Guid.NewGuid().ToString("N") + ".safetensors");

    private static string WriteRaw(string header, byte[] data, ulong? headerLength = null)
    {
        var path = TempFile();
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, headerLength ?? (ulong)json.Length);
        stream.Write(length);
        stream.Write(json);
        stream.Write(data);
        return path;
    }

    private static async Task<string> RejectionOf(string path)
    {
        var ex = await Assert.That(() => SafeTensorsFile.Open(path).Dispose()).Throws<InvalidDataException>();
        await Assert.That(ex!.Message).Contains(path);
        return ex.Message;
    }

    [Test]
    public async Task WrittenTensorsReadBackExactlyWithTheirShapesAndMetadata()
    {
        var path = TempFile();
        float[] a = [1f, -2.5f, 3.25f, 1e-7f, float.MaxValue, 0f];
        float[] b = [42f];
        new SafeTensorsWriter().WithMetadata("format", "pt").Add("a", a, 2, 3).Add("b", b, 1).Save(path);

        using var file = SafeTensorsFile.Open(path);
        await Assert.That(file.Tensors.Count).IsEqualTo(2);
        await Assert.That(file["a"].Shape).IsEquivalentTo(new long[] { 2, 3 }, CollectionOrdering.Matching);
        await Assert.That(file.ReadFloats("a")).IsEquivalentTo(a, CollectionOrdering.Matching);
        await Assert.That(file.ReadFloats("b")).IsEquivalentTo(b, CollectionOrdering.Matching);
        await Assert.That(file.Metadata["format"]).IsEqualTo("pt");
    }

    [Test]
    public async Task HalfAndBFloat16AreConvertedToFloat()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(0), BitConverter.HalfToUInt16Bits((Half)1.5f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)(-0.25f)));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), (ushort)(BitConverter.SingleToInt32Bits(3.5f) >>> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), (ushort)(BitConverter.SingleToInt32Bits(-96f) >>> 16));
        var path = WriteRaw("""{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}""", data);

        using var file = SafeTensorsFile.Open(path);
        await Assert.That(file.ReadFloats("h")).IsEquivalentTo(new[] { 1.5f, -0.25f }, CollectionOrdering.Matching);
        await Assert.That(file.ReadFloats("b")).IsEquivalentTo(new[] { 3.5f, -96f }, CollectionOrdering.Matching);
    }

    [Test]
    public async Task ATruncatedFileIsRejectedNamingTheTensorThatDoesNotFit()
    {
        var path = TempFile();
        new SafeTensorsWriter().Add("first", new float[4], 4).Add("second", new float[4], 4).Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);

        var message = await RejectionOf(path);
        await Assert.That(message).Contains("'second'");
        await Assert.That(message).Contains("truncated");
    }

    [Test]
    public async Task AFileShorterThanTheHeaderLengthIsRejected()
    {
        var path = TempFile();
        File.WriteAllBytes(path, [1, 2, 3]);
        await Assert.That(await RejectionOf(path)).Contains("too short");
    }

    [Test]
    public async Task AHeaderLengthBeyondTheFileIsRejected()
    {
        var path = WriteRaw("{}", [], headerLength: 1000);
        await Assert.That(await RejectionOf(path)).Contains("beyond the end of the file");
    }

    [Test]
    public async Task AHeaderThatIsNotJsonIsRejected()
    {
        var path = WriteRaw("{not json", []);
        await Assert.That(await RejectionOf(path)).Contains("not valid JSON");
    }

    [Test]
    public async Task AShapeThatDisagreesWithItsByteRangeIsRejected()
    {
        var path = WriteRaw("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", new byte[8]);
        var message = await RejectionOf(path);
        await Assert.That(message).Contains("'w'");
        await Assert.That(message).Contains("12 bytes");
    }

    [Test]
    public async Task OverlappingTensorsAreRejected()
    {
        var path = WriteRaw("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", new byte[12]);
        await Assert.That(await RejectionOf(path)).Contains("overlap");
    }

    [Test]
    public async Task AGapBetweenTensorsIsRejected()
    {
        var path = WriteRaw("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", new byte[12]);
        await Assert.That(await RejectionOf(path)).Contains("gap of 4 bytes before tensor 'b'");
    }

    [Test]
    public async Task BytesNoTensorAccountsForAreRejected()
    {
        var path = WriteRaw("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[6]);
        await Assert.That(await RejectionOf(path)).Contains("2 bytes after the last tensor");
    }

    [Test]
    public async Task AnUnknownDTypeIsRejectedNamingIt()
    {
        var path = WriteRaw("""{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", new byte[8]);
        var message = await RejectionOf(path);
        await Assert.That(message).Contains("'I64'");
        await Assert.That(message).Contains("F32, F16 and BF16");
    }

    [Test]
    public async Task AMissingFileIsAFileNotFoundErrorNamingIt()
    {
        var path = TempFile();
        var ex = await Assert.That(() => SafeTensorsFile.Open(path)).Throws<FileNotFoundException>();
        await Assert.That(ex!.Message).Contains(path);
    }
}
