using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FiniteMemory.Local.SafeTensors;

/// <summary>
/// Writes float32 tensors as a <c>.safetensors</c> file that Hugging Face libraries and <see cref="SafeTensorsFile"/>
/// read: add tensors with <see cref="Add"/>, then <see cref="Save(string)"/>.
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, long[] Shape, float[] Data)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Adds a float32 tensor; <paramref name="data"/> is row-major and is kept (not copied) until <see cref="Save(string)"/>.</summary>
    /// <exception cref="ArgumentException">The name is taken or reserved, or the shape does not match the data's length.</exception>
    public SafeTensorsWriter Add(string name, float[] data, params long[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == "__metadata__" || _tensors.Exists(t => t.Name == name))
        {
            throw new ArgumentException($"The tensor name '{name}' is reserved or already added.", nameof(name));
        }

        long elements = 1;
        foreach (var d in shape)
        {
            elements *= d >= 0 ? d : throw new ArgumentException($"Tensor '{name}' has a negative dimension.", nameof(shape));
        }

        if (elements != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", shape)}] ({elements} elements) but {data.Length} values.", nameof(data));
        }

        _tensors.Add((name, shape, data));
        return this;
    }

    /// <summary>Sets an entry of the header's <c>__metadata__</c>.</summary>
    public SafeTensorsWriter WithMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
        return this;
    }

    /// <summary>Writes the file (replacing it if it exists).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.Create(path);
        Save(stream);
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in _metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, shape, data) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var d in shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += data.Length * 4L;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // The format pads the header with spaces to a multiple of 8 so the data is aligned.
        while (header.Length % 8 != 0)
        {
            header.WriteByte((byte)' ');
        }

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var (_, _, data) in _tensors)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            }
            else
            {
                var bytes = new byte[4];
                foreach (var v in data)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                    stream.Write(bytes);
                }
            }
        }
    }
}
