using System.Text;

namespace VaeCreative.Text.Tokenization;

/// <summary>
/// The parts of a SentencePiece model file (a <c>ModelProto</c> protocol buffer) that <see cref="TextTokenizer"/>
/// checks and decodes with: the pieces with their types, the model type, byte fallback and the normaliser's
/// settings. Microsoft.ML.Tokenizers keeps its parsed copy internal, so this reads the few fields itself.
/// Throws <see cref="InvalidDataException"/> for bytes that are not such a protocol buffer.
/// </summary>
internal sealed class SentencePieceModel
{
    /// <summary><c>ModelProto.SentencePiece.Type</c>.</summary>
    public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

    /// <summary>Every piece (index = id) and its type.</summary>
    public required IReadOnlyList<(string Piece, PieceType Type)> Pieces { get; init; }

    /// <summary><c>TrainerSpec.model_type</c>: 1 unigram, 2 BPE, 3 word, 4 char.</summary>
    public int ModelType { get; init; } = 1;

    /// <summary><c>TrainerSpec.byte_fallback</c>.</summary>
    public bool ByteFallback { get; init; }

    /// <summary><c>NormalizerSpec.name</c>.</summary>
    public string NormalizerName { get; init; } = "";

    /// <summary>Whether <c>NormalizerSpec.precompiled_charsmap</c> holds a mapping (identity has none).</summary>
    public bool HasCharsMap { get; init; }

    /// <summary><c>NormalizerSpec.add_dummy_prefix</c> (proto default true).</summary>
    public bool AddDummyPrefix { get; init; } = true;

    /// <summary><c>NormalizerSpec.remove_extra_whitespaces</c> (proto default true).</summary>
    public bool RemoveExtraWhitespaces { get; init; } = true;

    /// <summary><c>NormalizerSpec.escape_whitespaces</c> (proto default true).</summary>
    public bool EscapeWhitespaces { get; init; } = true;

    /// <summary><c>TrainerSpec.treat_whitespace_as_suffix</c>.</summary>
    public bool WhitespaceAsSuffix { get; init; }

    /// <summary>Reads a model file's bytes.</summary>
    public static SentencePieceModel Parse(byte[] bytes)
    {
        var pieces = new List<(string, PieceType)>();
        int modelType = 1;
        bool byteFallback = false, suffix = false, dummy = true, removeExtra = true, escape = true, charsMap = false;
        var normalizer = "";
        var top = new Reader(bytes);
        while (top.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                {
                    var piece = new Reader(top.Bytes());
                    string text = "";
                    var type = PieceType.Normal;
                    while (piece.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2) text = Utf8(piece.Bytes());
                        else if (f == 3 && w == 0) type = (PieceType)(int)piece.Varint();
                        else piece.Skip(w);
                    }
                    if (text.Length == 0) throw new InvalidDataException($"piece {pieces.Count} is empty.");
                    if (!Enum.IsDefined(type)) throw new InvalidDataException($"piece {pieces.Count} has unknown type {(int)type}.");
                    pieces.Add((text, type));
                    break;
                }
                case (2, 2):
                {
                    var trainer = new Reader(top.Bytes());
                    while (trainer.Next(out var f, out var w))
                    {
                        if (f == 3 && w == 0) modelType = (int)trainer.Varint();
                        else if (f == 35 && w == 0) byteFallback = trainer.Varint() != 0;
                        else if (f == 24 && w == 0) suffix = trainer.Varint() != 0;
                        else trainer.Skip(w);
                    }
                    break;
                }
                case (3, 2):
                {
                    var spec = new Reader(top.Bytes());
                    while (spec.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2) normalizer = Utf8(spec.Bytes());
                        else if (f == 2 && w == 2) charsMap = spec.Bytes().Length > 0;
                        else if (f == 3 && w == 0) dummy = spec.Varint() != 0;
                        else if (f == 4 && w == 0) removeExtra = spec.Varint() != 0;
                        else if (f == 5 && w == 0) escape = spec.Varint() != 0;
                        else spec.Skip(w);
                    }
                    break;
                }
                default:
                    top.Skip(wire);
                    break;
            }
        }
        if (pieces.Count == 0) throw new InvalidDataException("it holds no pieces.");
        return new SentencePieceModel
        {
            Pieces = pieces, ModelType = modelType, ByteFallback = byteFallback, WhitespaceAsSuffix = suffix, NormalizerName = normalizer,
            HasCharsMap = charsMap, AddDummyPrefix = dummy, RemoveExtraWhitespaces = removeExtra, EscapeWhitespaces = escape,
        };
    }

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException e) { throw new InvalidDataException("a string field is not valid UTF-8.", e); }
    }

    /// <summary>A protocol buffer reader over one message: field keys, varints, length-delimited fields, skipping the rest.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> rest = data;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (rest.IsEmpty) return false;
            var key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            if (field == 0) throw new InvalidDataException("a field number is 0.");
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (rest.IsEmpty) throw new InvalidDataException("it ends inside a number.");
                var b = rest[0];
                rest = rest[1..];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new InvalidDataException("a number is longer than 10 bytes.");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length > (ulong)rest.Length) throw new InvalidDataException("a field is longer than the rest of the file.");
            var bytes = rest[..(int)length];
            rest = rest[(int)length..];
            return bytes;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Take(8); break;
                case 2: Bytes(); break;
                case 5: Take(4); break;
                default: throw new InvalidDataException($"wire type {wire} is not one this format uses.");
            }
        }

        private void Take(int n)
        {
            if (rest.Length < n) throw new InvalidDataException("it ends inside a field.");
            rest = rest[n..];
        }
    }
}
