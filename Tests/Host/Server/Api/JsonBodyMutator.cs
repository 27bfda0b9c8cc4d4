using System.Text;

namespace VaeCreative.Tests.Host.Server.Api;

/// <summary>
/// Seeded request bodies for fuzzing the host's JSON parser (<c>RequestBody</c>): valid bodies of every request type,
/// mutated byte-wise (bit flips, interesting bytes, insertions, deletions, duplications, truncations, splices) and
/// JSON-wise (fields of every request type inserted with generated values, so that keys repeat in any case; values
/// replaced by generated ones of every JSON kind: extreme numbers, long and escaped strings, lone surrogates, deep
/// nesting; invalid UTF-8: overlong, surrogate and out-of-range encodings, stray continuation bytes), or generated
/// whole. Inputs stay within the host's default body limit (1 MiB). Shared by the test suite's short run
/// (RequestBodyFuzzTests) and the long campaign (bench/fuzz.sh --target request-body, which links this file).
/// </summary>
public sealed class JsonBodyMutator
{
    /// <summary>Names of the mutation operators, in the order <see cref="Next"/> draws them from.</summary>
    public static readonly string[] Operators =
        ["bit-flips", "interesting-bytes", "insert-token", "delete", "duplicate", "truncate", "splice", "insert-field", "replace-value", "invalid-utf8", "generate"];

    /// <summary>Largest input made: the host's default body limit.</summary>
    public const int MaxInputBytes = 1 << 20;

    /// <summary>Every field of every request type (and of material), as sent and in other cases, plus near misses.</summary>
    private static readonly string[] FieldNames =
    [
        "seed", "count", "similarity", "attributes", "temperature", "topP", "rng", "requestId", "timeoutMs", "preview",
        "from", "to", "steps", "properties", "data", "modelId", "modality", "batch", "size", "settings", "kind", "out", "model",
        "mediaType", "text", "midi", "previews", "track", "barRange", "palette", "density", "tile",
        "Count", "COUNT", "Seed", "sEEd", "DATA", "Text", "topp", "", "cuont", "seed.midi", "$type", "__proto__", "\\u0063ount", "co\\u0000unt",
    ];

    private static readonly byte[] Interesting = [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x20, 0x0A, 0x30, 0x2D, 0x65, 0x75, 0xC0, 0x80, 0xBF, 0xED, 0xEF, 0xF4, 0xF8, 0xFF];

    /// <summary>JSON fragments and byte sequences that parsers trip over.</summary>
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\"", "\\", "\\\"", "\\u0000", "\\ud800", "\\udc00", "\\uDBFF\\uDFFF", "\\ud83d\\ude00", "\\ud800\\u0041", "\\u", "\\u12", "\\x41", "\\/",
            "null", "true", "false", "nul", "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "-0", "0.0", "01", "1.", ".5", "+1", "0x10",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648", "123456789012345678901234567890", "1E+2",
            "{", "}", "[", "]", ",", ":", "{}", "[]", "\"\":", "\"a\":1,", ",,", "//x\n", "/*x*/", "'x'",
            "\t", "\r\n", "   ", "\u00A0", "\u2028", "é", "日本", "🎵", "e\u0301", "\u202E", "\uFEFF",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF0, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xE2, 0x82], [0xF0, 0x9F, 0x8E], [0xFE], [0xFF], [0xFF, 0xFE],
    ];

    private readonly IReadOnlyList<byte[]> seeds;

    /// <summary>A mutator over <paramref name="seeds"/> (request bodies, ideally valid ones).</summary>
    public JsonBodyMutator(IReadOnlyList<byte[]> seeds)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed body is needed.", nameof(seeds));
        this.seeds = seeds;
    }

    /// <summary>Valid bodies of every request type: variations (MIDI, text and image seeds), interpolations, samples, training and augment jobs.</summary>
    public static IReadOnlyList<byte[]> DefaultSeeds()
    {
        var midi = Convert.ToBase64String([.. "MThd"u8, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, .. "MTrk"u8, 0, 0, 0, 4, 0, 0xFF, 0x2F, 0]);
        var png = Convert.ToBase64String([0x89, .. "PNG\r\n\x1a\n"u8, 0, 0, 0, 13, .. "IHDR"u8]);
        string[] bodies =
        [
            "{}",
            $$$"""{"seed":{"mediaType":"audio/midi","data":"{{{midi}}}","properties":{"track":"1","barRange":"1-8","keepArrangement":"true"}},"count":4,"similarity":0.8,"temperature":0.5,"topP":0.9,"rng":7,"attributes":{"density":1.5,"register":-2},"requestId":"req-1","timeoutMs":30000,"preview":false}""",
            $$$"""{"seed":{"midi":"{{{midi}}}"},"count":2,"rng":-9223372036854775808}""",
            """{"seed":{"text":"A fortune: «ünïcödé» 日本語 🎵 e\u0301 \"quoted\" \\ back\tslash\n"},"count":3,"temperature":0}""",
            $$$"""{"seed":{"mediaType":"image/png","data":"{{{png}}}","properties":{"palette":"seed"}},"similarity":1e-3,"rng":1}""",
            $$$"""{"from":{"midi":"{{{midi}}}"},"to":{"mediaType":"audio/midi","data":"{{{midi}}}"},"steps":8,"temperature":0.25,"rng":3,"preview":true}""",
            """{"from":{"text":"one"},"to":{"text":"two"},"steps":2,"topP":1,"timeoutMs":1000}""",
            """{"count":8,"temperature":1.5,"rng":42,"properties":{"tempoQpm":"96"},"requestId":"abc"}""",
            """{"data":"/tmp/tunes","modelId":"my-melodies","modality":"melody","steps":2000,"batch":64,"rng":1,"size":"small","settings":{"tile":"32","imageSize":"28"}}""",
            """{"kind":"augment","data":"/tmp/seeds","out":"/tmp/out","model":"sprites","modality":"image","count":4,"similarity":0.9,"temperature":0,"rng":5}""",
        ];
        return [.. bodies.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>One input: a seed with one mutation (one in four: up to three), or a generated body; deterministic for <paramref name="random"/>.</summary>
    public byte[] Next(Random random)
    {
        var input = new List<byte>(seeds[random.Next(seeds.Count)]);
        var mutations = random.Next(4) == 0 ? 1 + random.Next(3) : 1;
        for (var m = 0; m < mutations && input.Count < MaxInputBytes; m++)
            Mutate(input, random.Next(Operators.Length), random);
        return input.Count > MaxInputBytes ? [.. input.GetRange(0, MaxInputBytes)] : [.. input];
    }

    private void Mutate(List<byte> input, int op, Random random)
    {
        int At(bool inclusiveEnd = true) => random.Next(input.Count + (inclusiveEnd ? 1 : 0));
        switch (Operators[op])
        {
            case "bit-flips":
                for (var i = 1 + random.Next(4); i > 0 && input.Count > 0; i--) input[At(false)] ^= (byte)(1 << random.Next(8));
                break;
            case "interesting-bytes":
                if (input.Count > 0) input[At(false)] = Interesting[random.Next(Interesting.Length)];
                break;
            case "insert-token":
                input.InsertRange(At(), Tokens[random.Next(Tokens.Length)]);
                break;
            case "delete":
                if (input.Count > 0)
                {
                    var start = At(false);
                    input.RemoveRange(start, Math.Min(input.Count - start, 1 + random.Next(random.Next(2) == 0 ? 4 : 64)));
                }
                break;
            case "duplicate":
                if (input.Count > 0)
                {
                    var start = At(false);
                    var range = input.GetRange(start, Math.Min(input.Count - start, 1 + random.Next(64)));
                    for (var copies = random.Next(32) == 0 ? random.Next(2, 1000) : 1; copies > 0 && input.Count + range.Count <= MaxInputBytes; copies--)
                        input.InsertRange(start, range);
                }
                break;
            case "truncate":
                if (input.Count > 0)
                {
                    var keep = random.Next(input.Count);
                    input.RemoveRange(keep, input.Count - keep);
                }
                break;
            case "splice":
                var other = seeds[random.Next(seeds.Count)];
                var from = random.Next(other.Length);
                input.InsertRange(At(), other.AsSpan(from, random.Next(other.Length - from + 1)).ToArray());
                break;
            case "insert-field":
                // After an opening brace, so that the field lands in an object: a request's or a seed's.
                var braces = Enumerable.Range(0, input.Count).Where(i => input[i] == (byte)'{').ToList();
                var after = braces.Count == 0 ? 0 : braces[random.Next(braces.Count)] + 1;
                var field = new StringBuilder();
                field.Append('"').Append(FieldNames[random.Next(FieldNames.Length)]).Append("\":");
                Value(field, random, 0);
                field.Append(random.Next(4) == 0 ? "" : ",");
                input.InsertRange(after, Encoding.UTF8.GetBytes(field.ToString()));
                break;
            case "replace-value":
                // The value after a colon, up to the next comma or closing brace (a scalar; objects get cut, which is fine too).
                var colons = Enumerable.Range(0, input.Count).Where(i => input[i] == (byte)':').ToList();
                if (colons.Count == 0) goto case "generate";
                var valueStart = colons[random.Next(colons.Count)] + 1;
                var valueEnd = valueStart;
                while (valueEnd < input.Count && input[valueEnd] is not ((byte)',' or (byte)'}')) valueEnd++;
                var value = new StringBuilder();
                Value(value, random, 0);
                input.RemoveRange(valueStart, valueEnd - valueStart);
                input.InsertRange(valueStart, Encoding.UTF8.GetBytes(value.ToString()));
                break;
            case "invalid-utf8":
                // Inside a string when there is one (after a quote), else anywhere.
                var quotes = Enumerable.Range(0, input.Count).Where(i => input[i] == (byte)'"').ToList();
                var where = quotes.Count == 0 ? At() : quotes[random.Next(quotes.Count)] + 1;
                input.InsertRange(where, Tokens[Tokens.Length - 1 - random.Next(16)]);
                break;
            case "generate":
                var body = new StringBuilder();
                if (random.Next(2) == 0) Value(body, random, 0);
                else
                {
                    body.Append('{');
                    for (var i = random.Next(6); i > 0; i--)
                    {
                        body.Append('"').Append(FieldNames[random.Next(FieldNames.Length)]).Append("\":");
                        Value(body, random, 0);
                        if (i > 1) body.Append(',');
                    }
                    body.Append('}');
                }
                input.Clear();
                input.AddRange(Encoding.UTF8.GetBytes(body.ToString()));
                break;
        }
    }

    /// <summary>A generated JSON value of any kind, nested up to about 24 levels (past the parser's depth limit of 16).</summary>
    private static void Value(StringBuilder json, Random random, int depth)
    {
        switch (random.Next(depth > 24 ? 5 : 9))
        {
            case 0: json.Append(new[] { "null", "true", "false" }[random.Next(3)]); break;
            case 1: json.Append(random.Next(int.MinValue, int.MaxValue)); break;
            case 2:
                json.Append(new[] { "0", "-0", "1e308", "1e309", "-1e309", "4.9e-324", "1e-400", "9223372036854775807", "9223372036854775808",
                    "2147483647", "2147483648", "-2147483649", "0.5", "1.0", "3.14159265358979323846264338327950288", "1E2", "123456789012345678901234567890" }[random.Next(17)]);
                break;
            case 3 or 4: String(json, random); break;
            case 5: json.Append(random.NextDouble() * Math.Pow(10, random.Next(-20, 20))); break;
            case 6:
                json.Append('[');
                for (var i = random.Next(4); i > 0; i--) { Value(json, random, depth + 1); if (i > 1) json.Append(','); }
                json.Append(']');
                break;
            default:
                json.Append('{');
                for (var i = random.Next(4); i > 0; i--)
                {
                    json.Append('"').Append(FieldNames[random.Next(FieldNames.Length)]).Append("\":");
                    Value(json, random, depth + 1);
                    if (i > 1) json.Append(',');
                }
                json.Append('}');
                break;
        }
    }

    /// <summary>A JSON string: mostly short, one in a hundred long (up to 100,000 pieces), with escapes, lone surrogates and characters from every plane.</summary>
    private static void String(StringBuilder json, Random random)
    {
        json.Append('"');
        var length = random.Next(100) == 0 ? random.Next(100_000) : random.Next(24);
        string[] pieces = ["a", "Z", "0", " ", "é", "日", "🎵", "\\n", "\\\"", "\\\\", "\\u0041", "\\u0000", "\\ud800", "\\udfff", "\\ud83c\\udfb5", "\\u00e9", "e\u0301", "\u202E"];
        for (var i = 0; i < length; i++) json.Append(pieces[random.Next(pieces.Length)]);
        json.Append('"');
    }
}
