using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LazyLoad;

/// <summary>
/// Writes a tiny GPT-2 as a Hugging Face model folder (config.json + model.safetensors): one layer, width 16, GPT-2's
/// vocabulary, fixed weights. Enough for TorchSharp to load and run; its answers mean nothing.
/// </summary>
internal static class TinyGpt2
{
    private const int Vocab = 50257, Hidden = 16, Inner = 32, Positions = 128, Heads = 2;

    /// <summary>Writes the model into <paramref name="folder"/> (created) and returns it.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="positions">The context length (n_positions); perf/split's Torch app needs more than the default.</param>
    public static string Write(string folder, int positions = Positions)
    {
        Directory.CreateDirectory(folder);
        var tensors = new List<(string Name, int[] Shape, float Mean, float Scale)>
        {
            ("wte.weight", [Vocab, Hidden], 0, 0.1f),
            ("wpe.weight", [positions, Hidden], 0, 0.05f),
            ("h.0.ln_1.weight", [Hidden], 1, 0),
            ("h.0.ln_1.bias", [Hidden], 0, 0),
            ("h.0.attn.c_attn.weight", [Hidden, 3 * Hidden], 0, 0.1f),
            ("h.0.attn.c_attn.bias", [3 * Hidden], 0, 0.01f),
            ("h.0.attn.c_proj.weight", [Hidden, Hidden], 0, 0.1f),
            ("h.0.attn.c_proj.bias", [Hidden], 0, 0.01f),
            ("h.0.ln_2.weight", [Hidden], 1, 0),
            ("h.0.ln_2.bias", [Hidden], 0, 0),
            ("h.0.mlp.c_fc.weight", [Hidden, Inner], 0, 0.1f),
            ("h.0.mlp.c_fc.bias", [Inner], 0, 0.01f),
            ("h.0.mlp.c_proj.weight", [Inner, Hidden], 0, 0.1f),
            ("h.0.mlp.c_proj.bias", [Hidden], 0, 0.01f),
            ("ln_f.weight", [Hidden], 1, 0),
            ("ln_f.bias", [Hidden], 0, 0),
        };

        // safetensors: an 8-byte little-endian header length, a JSON header (padded to 8 bytes) naming each tensor's
        // dtype, shape and byte range, then the data.
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var (name, shape, _, _) in tensors)
        {
            var bytes = 4L * shape.Aggregate(1L, static (n, d) => n * d);
            header.Append(CultureInfo.InvariantCulture, $",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }

        header.Append('}');
        while (Encoding.UTF8.GetByteCount(header.ToString()) % 8 != 0)
        {
            header.Append(' ');
        }

        using (var file = File.Create(Path.Combine(folder, "model.safetensors")))
        {
            var headerBytes = Encoding.UTF8.GetBytes(header.ToString());
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            file.Write(length);
            file.Write(headerBytes);
            var seed = 0;
            foreach (var (_, shape, mean, scale) in tensors)
            {
                var values = new float[shape.Aggregate(1, static (n, d) => n * d)];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = mean + (scale * MathF.Sin((++seed * 12.9898f) % 6.2831f));
                }

                file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }
        }

        File.WriteAllText(Path.Combine(folder, "config.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": {{Vocab}}, "n_embd": {{Hidden}},
             "n_layer": 1, "n_head": {{Heads}}, "n_inner": {{Inner}}, "n_positions": {{positions}},
             "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "bos_token_id": 50256, "eos_token_id": 50256}
            """));
        return folder;
    }
}
