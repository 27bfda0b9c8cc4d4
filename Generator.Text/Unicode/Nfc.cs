using System.Reflection;
using System.Text;

namespace VaeCreative.Text.Unicode;

/// <summary>
/// Unicode Normalization Form C (UAX #15). The toolkit runs with .NET's invariant globalization, where
/// <see cref="string.Normalize()"/> returns its input unchanged, so text is composed here from the tables in
/// <c>nfc-data.txt</c> (written by <c>make-nfc-data.py</c> from Python's unicodedata; version in
/// <see cref="UnicodeVersion"/>). Unpaired surrogates pass through unchanged (callers that need valid text check
/// for them first).
/// </summary>
public static class Nfc
{
    private const int HangulBase = 0xAC00, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int LeadCount = 19, VowelCount = 21, TrailCount = 28, HangulCount = LeadCount * VowelCount * TrailCount;

    /// <summary>Text made only of characters below U+0300 (the first combining mark) is already in NFC: none of them
    /// decomposes, and no two of them compose.</summary>
    private const int FastLimit = 0x0300;

    private static readonly Tables Data = Tables.Load();

    /// <summary>The Unicode version of the tables.</summary>
    public static string UnicodeVersion => Data.Version;

    /// <summary>The NFC form of <paramref name="text"/> (the same instance when it is already in NFC and below U+0300).</summary>
    public static string Normalize(string text)
    {
        var i = 0;
        while (i < text.Length && text[i] < FastLimit) i++;
        if (i == text.Length) return text;
        var points = Decompose(text);
        Reorder(points);
        Compose(points);
        var builder = new StringBuilder(text.Length);
        foreach (var cp in points)
        {
            if (cp >= 0x10000) builder.Append(char.ConvertFromUtf32(cp));
            else builder.Append((char)cp);
        }
        var result = builder.ToString();
        return result == text ? text : result;
    }

    /// <summary>True when <paramref name="text"/> is in NFC.</summary>
    public static bool IsNormalized(string text) => ReferenceEquals(Normalize(text), text);

    /// <summary>The canonical combining class of <paramref name="codePoint"/> (0 for starters).</summary>
    public static int CombiningClass(int codePoint) => Data.Classes.TryGetValue(codePoint, out var c) ? c : 0;

    /// <summary>Every code point the tables mention (decomposed, composed or with a combining class), for tests.</summary>
    internal static IEnumerable<int> TableCodePoints() =>
        Data.Classes.Keys.Concat(Data.Decompositions.Keys).Concat(Data.Decompositions.Values.SelectMany(d => d)).Distinct().Order();

    private static List<int> Decompose(string text)
    {
        var points = new List<int>(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                cp = char.ConvertToUtf32(text[i], text[++i]);
            if (cp >= HangulBase && cp < HangulBase + HangulCount)
            {
                // Hangul syllables decompose by arithmetic (Unicode §3.12), not by table.
                var s = cp - HangulBase;
                points.Add(LeadBase + s / (VowelCount * TrailCount));
                points.Add(VowelBase + s % (VowelCount * TrailCount) / TrailCount);
                if (s % TrailCount != 0) points.Add(TrailBase + s % TrailCount);
            }
            else if (Data.Decompositions.TryGetValue(cp, out var full)) points.AddRange(full);
            else points.Add(cp);
        }
        return points;
    }

    /// <summary>Canonical ordering: a stable sort of each run of non-starters by combining class.</summary>
    private static void Reorder(List<int> points)
    {
        for (var i = 1; i < points.Count; i++)
        {
            var cls = CombiningClass(points[i]);
            if (cls == 0) continue;
            var j = i;
            while (j > 0 && CombiningClass(points[j - 1]) > cls)
            {
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
                j--;
            }
        }
    }

    /// <summary>Canonical composition (UAX #15 §1.3): each character joins the last starter when nothing between blocks it.</summary>
    private static void Compose(List<int> points)
    {
        if (points.Count == 0) return;
        var starterPos = 0;
        var starter = points[0];
        // A non-starter at the very beginning has no starter to compose with: mark it blocked.
        var lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        var write = 1;
        for (var read = 1; read < points.Count; read++)
        {
            var ch = points[read];
            var cls = CombiningClass(ch);
            var composite = lastClass != 256 && (lastClass < cls || lastClass == 0) ? Composite(starter, ch) : -1;
            if (composite >= 0)
            {
                points[starterPos] = composite;
                starter = composite;
                continue;
            }
            if (cls == 0)
            {
                starterPos = write;
                starter = ch;
            }
            lastClass = cls;
            points[write++] = ch;
        }
        points.RemoveRange(write, points.Count - write);
    }

    private static int Composite(int first, int second)
    {
        if (first >= LeadBase && first < LeadBase + LeadCount && second >= VowelBase && second < VowelBase + VowelCount)
            return HangulBase + ((first - LeadBase) * VowelCount + second - VowelBase) * TrailCount;
        if (first >= HangulBase && first < HangulBase + HangulCount && (first - HangulBase) % TrailCount == 0
            && second > TrailBase && second < TrailBase + TrailCount)
            return first + second - TrailBase;
        return Data.Compositions.TryGetValue(((long)first << 21) | (uint)second, out var c) ? c : -1;
    }

    private sealed record Tables(string Version, Dictionary<int, int> Classes, Dictionary<int, int[]> Decompositions, Dictionary<long, int> Compositions)
    {
        public static Tables Load()
        {
            using var stream = typeof(Nfc).Assembly.GetManifestResourceStream("VaeCreative.Text.Unicode.nfc-data.txt")
                ?? throw new InvalidOperationException("the NFC tables (nfc-data.txt) are missing from " + typeof(Nfc).Assembly.GetName().Name);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var version = "";
            var classes = new Dictionary<int, int>();
            var decompositions = new Dictionary<int, int[]>();
            var compositions = new Dictionary<long, int>();
            static int Hex(string s) => int.Parse(s, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split(' ');
                switch (f[0])
                {
                    case "v": version = f[1]; break;
                    case "c":
                        for (int cp = Hex(f[1]), last = Hex(f[2]), cls = int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture); cp <= last; cp++)
                            classes[cp] = cls;
                        break;
                    case "d": decompositions[Hex(f[1])] = f.Skip(2).Select(Hex).ToArray(); break;
                    case "p": compositions[((long)Hex(f[2]) << 21) | (uint)Hex(f[3])] = Hex(f[1]); break;
                }
            }
            return new Tables(version, classes, decompositions, compositions);
        }
    }
}
