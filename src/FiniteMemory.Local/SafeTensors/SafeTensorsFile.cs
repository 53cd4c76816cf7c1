using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace FiniteMemory.Local.SafeTensors;

/// <summary>
/// Reads a <c>.safetensors</c> file (Hugging Face's format: an 8-byte little-endian header length, a JSON header
/// <c>{name: {dtype, shape, data_offsets}}</c> with optional <c>__metadata__</c>, then the raw tensors back to back).
/// </summary>
/// <remarks>
/// The header is validated when the file is opened: every problem (a truncated file, a header length beyond the
/// file, JSON that is not a safetensors header, an unknown dtype, a shape whose size disagrees with its byte range,
/// offsets out of bounds, overlapping or leaving gaps) is an <see cref="InvalidDataException"/> that names the file
/// and the tensor. Tensor data is read on demand straight from the file into the caller's buffer
/// (<see cref="RandomAccess"/>), so a model is never held twice in memory. Thread-safe for reads.
/// </remarks>
public sealed class SafeTensorsFile : IDisposable
{
    // A header larger than this is not a model header (the format's own reference implementation caps it at 100 MB).
    private const long MaxHeaderLength = 100_000_000;

    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;
    private readonly long _dataStart;

    private SafeTensorsFile(string path, SafeFileHandle handle, Dictionary<string, SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Path = path;
        _handle = handle;
        _tensors = tensors;
        Metadata = metadata;
        _dataStart = dataStart;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The header's <c>__metadata__</c> (string to string), empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors => _tensors;

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message names the file and the problem.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The safetensors file '{path}' does not exist.", path);
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var (tensors, metadata, dataStart) = ReadHeader(path, handle);
            return new SafeTensorsFile(path, handle, tensors, metadata, dataStart);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The description of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names the file.</exception>
    public SafeTensorInfo this[string name] =>
        _tensors.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"{Path}: there is no tensor named '{name}'.");

    /// <summary>Reads tensor <paramref name="name"/> converted to float32, row-major.</summary>
    public float[] ReadFloats(string name)
    {
        var info = this[name];
        var values = new float[checked((int)info.ElementCount)];
        ReadFloats(name, values);
        return values;
    }

    /// <summary>Reads tensor <paramref name="name"/> converted to float32 into <paramref name="destination"/> (exactly its element count).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has another length.</exception>
    public void ReadFloats(string name, Span<float> destination)
    {
        var info = this[name];
        if (destination.Length != info.ElementCount)
        {
            throw new ArgumentException($"{Path}: tensor '{name}' has {info.ElementCount} elements but the destination holds {destination.Length}.", nameof(destination));
        }

        var position = _dataStart + info.Offset;
        if (info.DType == SafeTensorsDType.F32 && BitConverter.IsLittleEndian)
        {
            ReadExactly(MemoryMarshal.AsBytes(destination), position, name);
            return;
        }

        // Converted in chunks through a pooled buffer: the file's bytes are never held whole.
        var elementSize = SafeTensorInfo.ElementSize(info.DType);
        const int ChunkElements = 1 << 16;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * elementSize);
        try
        {
            for (var start = 0; start < destination.Length; start += ChunkElements)
            {
                var count = Math.Min(ChunkElements, destination.Length - start);
                var bytes = buffer.AsSpan(0, count * elementSize);
                ReadExactly(bytes, position + ((long)start * elementSize), name);
                Convert(info.DType, bytes, destination.Slice(start, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads tensor <paramref name="name"/>'s raw bytes (little-endian, its own dtype) into <paramref name="destination"/>.</summary>
    public void ReadBytes(string name, Span<byte> destination)
    {
        var info = this[name];
        if (destination.Length != info.ByteLength)
        {
            throw new ArgumentException($"{Path}: tensor '{name}' has {info.ByteLength} bytes but the destination holds {destination.Length}.", nameof(destination));
        }

        ReadExactly(destination, _dataStart + info.Offset, name);
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private void ReadExactly(Span<byte> destination, long position, string name)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, destination, position);
            if (read == 0)
            {
                throw new InvalidDataException($"{Path}: the file ended while reading tensor '{name}' (was it truncated after it was opened?).");
            }

            destination = destination[read..];
            position += read;
        }
    }

    private static void Convert(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2));
            destination[i] = dtype == SafeTensorsDType.F16
                ? (float)BitConverter.UInt16BitsToHalf(bits)
                : BitConverter.Int32BitsToSingle(bits << 16);
        }
    }

    private static (Dictionary<string, SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart) ReadHeader(string path, SafeFileHandle handle)
    {
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
        {
            throw new InvalidDataException($"{path}: the file is truncated: {fileLength} bytes, too short for the 8-byte safetensors header length.");
        }

        Span<byte> prefix = stackalloc byte[8];
        RandomAccess.Read(handle, prefix, 0);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
        {
            throw new InvalidDataException($"{path}: the header length {headerLength} reaches beyond the end of the file ({fileLength} bytes): the file is truncated or not a safetensors file.");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"{path}: the header length {headerLength} is larger than a safetensors header can be ({MaxHeaderLength} bytes).");
        }

        var header = new byte[(int)headerLength];
        RandomAccess.Read(handle, header, 8);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;

        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: the header is not a JSON object.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }

                tensors.Add(property.Name, ReadTensor(path, property.Name, property.Value));
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({ex.Message}).", ex);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: the header names a tensor twice ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is OverflowException or InvalidOperationException or FormatException)
        {
            // A shape or offset that is not an integer, or whose product overflows.
            throw new InvalidDataException($"{path}: the header holds a shape or offset that is not a valid size ({ex.Message}).", ex);
        }

        CheckLayout(path, tensors.Values, dataLength);
        return (tensors, metadata, dataStart);
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: '__metadata__' must be an object of strings.");
        }

        foreach (var entry in value.EnumerateObject())
        {
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw new InvalidDataException($"{path}: '__metadata__.{entry.Name}' must be a string.");
        }
    }

    private static SafeTensorInfo ReadTensor(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' must be an object with 'dtype' (string), 'shape' (array) and 'data_offsets' (array).");
        }

        var dtypeName = dtypeElement.GetString();
        var dtype = dtypeName switch
        {
            "F32" => SafeTensorsDType.F32,
            "F16" => SafeTensorsDType.F16,
            "BF16" => SafeTensorsDType.BF16,
            _ => throw new InvalidDataException($"{path}: tensor '{name}' has dtype '{dtypeName}', which is not supported (F32, F16 and BF16 are); convert the model to one of them."),
        };

        var shape = new List<long>();
        long elements = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
            {
                throw new InvalidDataException($"{path}: tensor '{name}' has a shape entry that is not a non-negative integer.");
            }

            shape.Add(dim);
            elements = checked(elements * dim);
        }

        if (offsetsElement.GetArrayLength() != 2
            || !offsetsElement[0].TryGetInt64(out var begin) || !offsetsElement[1].TryGetInt64(out var end)
            || begin < 0 || end < begin)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has 'data_offsets' that are not two integers [begin, end] with 0 <= begin <= end.");
        }

        var expected = checked(elements * SafeTensorInfo.ElementSize(dtype));
        if (end - begin != expected)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}] of {dtypeName}, which is {expected} bytes, but its data_offsets [{begin}, {end}] span {end - begin} bytes.");
        }

        return new SafeTensorInfo(name, dtype, shape, begin, end - begin);
    }

    private static void CheckLayout(string path, IEnumerable<SafeTensorInfo> tensors, long dataLength)
    {
        long next = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in tensors.OrderBy(static t => t.Offset).ThenBy(static t => t.ByteLength))
        {
            if (t.Offset + t.ByteLength > dataLength)
            {
                throw new InvalidDataException($"{path}: tensor '{t.Name}' needs bytes up to {t.Offset + t.ByteLength} of the data section, but the file holds only {dataLength}: the file is truncated.");
            }

            if (t.Offset < next)
            {
                throw new InvalidDataException($"{path}: tensors '{previous!.Name}' and '{t.Name}' overlap (at byte {t.Offset} of the data section).");
            }

            if (t.Offset > next)
            {
                throw new InvalidDataException($"{path}: there is a gap of {t.Offset - next} bytes before tensor '{t.Name}' (at byte {next} of the data section); tensors must be stored back to back.");
            }

            next = t.Offset + t.ByteLength;
            previous = t;
        }

        if (next != dataLength)
        {
            throw new InvalidDataException($"{path}: the data section has {dataLength - next} bytes after the last tensor that no tensor accounts for.");
        }
    }
}
