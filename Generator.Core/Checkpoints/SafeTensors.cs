using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// Reads and writes Hugging Face's safetensors files (the format diffusers, ComfyUI and AUTOMATIC1111 share): an
/// 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the bytes.
/// </summary>
/// <remarks>
/// Read into CPU tensors, in the file's dtype. Files are checked before any tensor is made: a header that is
/// not JSON, a byte range outside the file or overlapping another, or a shape that does not fit its range is a
/// <see cref="ModelLoadException"/> naming the file and the tensor.
/// </remarks>
public static class SafeTensors
{
    /// <summary>Largest header read (100 MB, the reference implementation's limit): a larger length is a damaged file.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly (string Name, ScalarType Type, int Bytes)[] Types =
    [
        ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2), ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4), ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>
    /// The tensors of <paramref name="path"/> by name (those <paramref name="select"/> takes, or all), and its
    /// <c>__metadata__</c> strings (empty when it has none).
    /// </summary>
    /// <remarks>
    /// The file is read tensor by tensor, not whole: a whole Stable Diffusion checkpoint (2–7 GB) yields its VAE's
    /// tensors without the rest being read, and no file is held in memory twice.
    /// </remarks>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path, Func<string, bool>? select = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return WithFile(path, stream =>
        {
            var (entries, metadata, dataStart) = ReadHeader(stream, path);
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            try
            {
                foreach (var e in entries.OrderBy(e => e.Begin))
                {
                    if (select is not null && !select(e.Name)) continue;
                    if (e.End - e.Begin > Array.MaxLength) throw new ModelLoadException($"'{path}': tensor '{e.Name}' is larger than one read can hold ({e.End - e.Begin:N0} bytes).");
                    var data = new byte[e.End - e.Begin];
                    stream.Position = dataStart + e.Begin;
                    stream.ReadExactly(data);
                    tensors[e.Name] = Make(e, data);
                }
            }
            catch
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw;
            }
            return (tensors, metadata);
        });
    }

    /// <summary>
    /// The shape of every tensor of <paramref name="path"/> by name, and its metadata, from its header alone (the
    /// tensors are not read): what a model's shape can be told from.
    /// </summary>
    public static (Dictionary<string, long[]> Shapes, Dictionary<string, string> Metadata) ReadShapes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return WithFile(path, stream =>
        {
            var (entries, metadata, _) = ReadHeader(stream, path);
            return (entries.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal), metadata);
        });
    }

    /// <summary><paramref name="read"/> on <paramref name="path"/> opened for reading; a file that cannot be read is a <see cref="ModelLoadException"/>.</summary>
    private static T WithFile<T>(string path, Func<Stream, T> read)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            return read(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>Parses the safetensors <paramref name="bytes"/> (<paramref name="source"/> names them in errors).</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        var (entries, metadata, dataStart) = ReadHeader(stream, source);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in entries)
            tensors[e.Name] = Make(e, bytes.AsSpan((int)(dataStart + e.Begin), (int)(e.End - e.Begin)).ToArray());
        return (tensors, metadata);
    }

    /// <summary>The checked entries of the header at the start of <paramref name="stream"/>, its metadata, and where the data begins.</summary>
    private static (List<(string Name, ScalarType Type, long[] Shape, long Begin, long End)> Entries, Dictionary<string, string> Metadata, long DataStart)
        ReadHeader(Stream stream, string source)
    {
        var length = stream.Length;
        if (length < 8) throw Damaged(source, "it is shorter than its 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, length - 8))
            throw Damaged(source, $"its header length ({headerLength:N0} bytes) runs past the file ({length:N0} bytes)");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject ?? throw Damaged(source, "its header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Damaged(source, $"its header is not JSON ({e.Message})");
        }
        var dataStart = 8 + (long)headerLength;
        var dataLength = length - dataStart;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, ScalarType Type, long[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (key, value) in node as JsonObject ?? [])
                    metadata[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
                continue;
            }
            entries.Add(Entry(name, node, source, dataLength));
        }
        var byBegin = entries.OrderBy(e => e.Begin).ToList();
        for (var i = 1; i < byBegin.Count; i++)
            if (byBegin[i].Begin < byBegin[i - 1].End)
                throw Damaged(source, $"tensors '{byBegin[i - 1].Name}' and '{byBegin[i].Name}' overlap");
        return (entries, metadata, dataStart);
    }

    private static Tensor Make((string Name, ScalarType Type, long[] Shape, long Begin, long End) entry, byte[] data)
    {
        var t = empty(entry.Shape, entry.Type);
        t.bytes = data;
        return t;
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; written from the CPU, contiguous) and <paramref name="metadata"/> to
    /// <paramref name="path"/>, atomically: a reader sees the old file or the whole new one. Names are sorted, as the
    /// reference writer sorts them, so equal inputs give equal files.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = Serialize(tensors, metadata);
        AtomicFile.Write(path, temp => File.WriteAllBytes(temp, bytes));
    }

    /// <summary>The bytes of a safetensors file holding <paramref name="tensors"/> and <paramref name="metadata"/> (as <see cref="Write"/> writes them).</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value))));
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var type = Types.FirstOrDefault(t => t.Type == tensor.dtype);
            if (type.Name is null) throw new ArgumentException($"tensor '{name}' is {tensor.dtype}, which safetensors has no name for here.");
            using var cpu = tensor.detach().cpu().contiguous();
            var data = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = type.Name,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + data.Length)),
            };
            blobs.Add(data);
            offset += data.Length;
        }
        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (text.Length + 7) / 8 * 8; // the data starts 8-byte aligned, padded with spaces as the reference does
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(text);
        for (var i = text.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var b in blobs) stream.Write(b);
        return stream.ToArray();
    }

    private static (string Name, ScalarType Type, long[] Shape, long Begin, long End) Entry(string name, JsonNode? node, string source, long dataLength)
    {
        try
        {
            var typeName = node?["dtype"]?.GetValue<string>() ?? throw Damaged(source, $"tensor '{name}' has no dtype");
            var type = Types.FirstOrDefault(t => t.Name == typeName);
            if (type.Name is null)
                throw new ModelLoadException($"'{source}': tensor '{name}' is {typeName}; supported: {string.Join(", ", Types.Select(t => t.Name))}.");
            var shape = (node["shape"] as JsonArray ?? throw Damaged(source, $"tensor '{name}' has no shape")).Select(d => d!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"] as JsonArray ?? throw Damaged(source, $"tensor '{name}' has no data_offsets");
            if (offsets.Count != 2) throw Damaged(source, $"tensor '{name}' has {offsets.Count} data offsets, not 2");
            var (begin, end) = (offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>());
            if (shape.Any(d => d < 0)) throw Damaged(source, $"tensor '{name}' has a negative dimension");
            if (begin < 0 || end < begin || end > dataLength)
                throw Damaged(source, $"tensor '{name}' lies at bytes {begin:N0}–{end:N0}, outside the {dataLength:N0} bytes of data");
            var elements = shape.Aggregate(1L, (a, d) => checked(a * d));
            if (checked(elements * type.Bytes) != end - begin)
                throw Damaged(source, $"tensor '{name}' ({typeName} [{string.Join(", ", shape)}]) needs {elements * type.Bytes:N0} bytes; its range holds {end - begin:N0}");
            return (name, type.Type, shape, begin, end);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            throw Damaged(source, $"tensor '{name}' has a malformed entry ({e.Message})");
        }
    }

    private static ModelLoadException Damaged(string source, string why) => new($"'{source}' is not a valid safetensors file: {why}.");
}
