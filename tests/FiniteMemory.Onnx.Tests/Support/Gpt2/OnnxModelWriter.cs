using System.Runtime.InteropServices;
using Google.Protobuf;
using FiniteMemory.Testing;
using static FiniteMemory.Testing.ProtobufFields;

namespace FiniteMemory.Onnx.Tests.Gpt2;

/// <summary>
/// Writes an ONNX <c>ModelProto</c> with Google.Protobuf's <see cref="CodedOutputStream"/>: only the messages and
/// fields a float inference graph needs (graph, nodes, attributes, initializers, typed inputs/outputs), with the field
/// numbers of onnx/onnx.proto. No generated classes, no Python.
/// </summary>
/// <remarks>
/// Nodes are added in topological order and get fresh output names (<c>t0</c>, <c>t1</c> …) unless one is given.
/// Initializers are stored as <c>raw_data</c> (little-endian), as ONNX exporters do.
/// </remarks>
internal sealed class OnnxModelWriter
{
    // onnx.TensorProto.DataType
    public const int Float = 1;
    public const int Int64 = 7;
    public const int Bool = 9;

    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private int _nextName;

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        Node(op, inputs, [NewName()], attributes)[0];

    /// <summary>Adds a node whose outputs are named <paramref name="outputs"/>.</summary>
    public IReadOnlyList<string> Node(string op, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        _nodes.Add(Encode(o =>
        {
            foreach (var input in inputs)
            {
                WriteString(o, 1, input);
            }

            foreach (var output in outputs)
            {
                WriteString(o, 2, output);
            }

            WriteString(o, 3, $"n{_nodes.Count}");
            WriteString(o, 4, op);
            foreach (var attribute in attributes)
            {
                WriteMessage(o, 5, attribute.Encode());
            }
        }));
        return outputs;
    }

    /// <summary>A fresh value name.</summary>
    public string NewName() => $"t{_nextName++}";

    /// <summary>Adds a float initializer.</summary>
    public string Constant(string name, ReadOnlySpan<float> data, params long[] dims) =>
        Constant(name, Float, MemoryMarshal.AsBytes(data).ToArray(), dims);

    /// <summary>Adds an int64 initializer.</summary>
    public string Constant(string name, ReadOnlySpan<long> data, params long[] dims) =>
        Constant(name, Int64, MemoryMarshal.AsBytes(data).ToArray(), dims);

    /// <summary>Declares a graph input; a dimension is a fixed size (<see cref="long"/>) or a symbolic name (<see cref="string"/>).</summary>
    public void Input(string name, int elementType, params object[] dims) => _inputs.Add(ValueInfo(name, elementType, dims));

    /// <summary>Declares a graph output, like <see cref="Input"/>.</summary>
    public void Output(string name, int elementType, params object[] dims) => _outputs.Add(ValueInfo(name, elementType, dims));

    /// <summary>The serialized ModelProto (IR version 8, default-domain opset <paramref name="opset"/>).</summary>
    public byte[] ToModel(string graphName, int opset = 17) =>
        Encode(o =>
        {
            WriteVarint(o, 1, 8);
            WriteString(o, 2, "FiniteMemory.Onnx.Tests");
            WriteMessage(o, 7, Encode(g =>
            {
                foreach (var node in _nodes)
                {
                    WriteMessage(g, 1, node);
                }

                WriteString(g, 2, graphName);
                foreach (var initializer in _initializers)
                {
                    WriteMessage(g, 5, initializer);
                }

                foreach (var input in _inputs)
                {
                    WriteMessage(g, 11, input);
                }

                foreach (var output in _outputs)
                {
                    WriteMessage(g, 12, output);
                }
            }));
            WriteMessage(o, 8, Encode(s =>
            {
                WriteString(s, 1, string.Empty);
                WriteVarint(s, 2, opset);
            }));
        });

    private string Constant(string name, int elementType, byte[] raw, long[] dims)
    {
        _initializers.Add(Encode(o =>
        {
            foreach (var dim in dims)
            {
                WriteVarint(o, 1, dim);
            }

            WriteVarint(o, 2, elementType);
            WriteString(o, 8, name);
            WriteMessage(o, 9, raw);
        }));
        return name;
    }

    private static byte[] ValueInfo(string name, int elementType, object[] dims) =>
        Encode(o =>
        {
            WriteString(o, 1, name);

            // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1 } } }
            WriteMessage(o, 2, Encode(type => WriteMessage(type, 1, Encode(tensor =>
            {
                WriteVarint(tensor, 1, elementType);
                WriteMessage(tensor, 2, Encode(shape =>
                {
                    foreach (var dim in dims)
                    {
                        WriteMessage(shape, 1, Encode(d =>
                        {
                            if (dim is string symbol)
                            {
                                WriteString(d, 2, symbol);
                            }
                            else
                            {
                                WriteVarint(d, 1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
                            }
                        }));
                    }
                }));
            }))));
        });
}

/// <summary>A node attribute (onnx.AttributeProto): an int, a float or a list of ints.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null)
{
    // onnx.AttributeProto.AttributeType
    private const int FloatType = 1;
    private const int IntType = 2;
    private const int IntsType = 7;

    public byte[] Encode() =>
        ProtobufFields.Encode(o =>
        {
            WriteString(o, 1, Name);
            if (Float is { } f)
            {
                o.WriteTag(2, WireFormat.WireType.Fixed32);
                o.WriteFloat(f);
                WriteVarint(o, 20, FloatType);
            }
            else if (Int is { } i)
            {
                WriteVarint(o, 3, i);
                WriteVarint(o, 20, IntType);
            }
            else
            {
                foreach (var value in Ints ?? [])
                {
                    WriteVarint(o, 8, value);
                }

                WriteVarint(o, 20, IntsType);
            }
        });
}
