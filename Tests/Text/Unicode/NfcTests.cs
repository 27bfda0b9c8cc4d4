using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FsCheck.Xunit;
using VaeCreative.Tests.Text.Tokenization;
using VaeCreative.Text.Unicode;

namespace VaeCreative.Tests.Text.Unicode;

public class NfcTests
{
    [Theory]
    [InlineData("cafe\u0301", "caf\u00E9")]                         // composition
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]                    // Hangul L V T
    [InlineData("\uAC00\u11A8", "\uAC01")]                          // Hangul LV + T
    [InlineData("a\u0307\u0323", "\u1EA1\u0307")]                   // reordering: dot below (220) before dot above (230)
    [InlineData("\u212B", "\u00C5")]                                // singleton: ANGSTROM SIGN
    [InlineData("\u0915\u093C", "\u0915\u093C")]                    // composition exclusion (U+0958 stays decomposed)
    [InlineData("\u0958", "\u0915\u093C")]
    [InlineData("\u0301e", "\u0301e")]                              // a leading combining mark has nothing to join
    [InlineData("e\u0301\u0301", "\u00E9\u0301")]                   // the second acute is blocked
    [InlineData("\U0001D15E", "\U0001D157\U0001D165")]              // musical symbol: excluded, decomposes
    [InlineData("plain ASCII", "plain ASCII")]
    public void Known_cases(string text, string nfc) => Assert.Equal(nfc, Nfc.Normalize(text));

    [Fact]
    public void Unpaired_surrogates_pass_through_and_text_between_them_is_composed() =>
        Assert.Equal("\uD800\u00E9\uDC00", Nfc.Normalize("\uD800e\u0301\uDC00"));

    [Fact]
    public void Text_already_in_NFC_is_returned_as_is()
    {
        var text = new string("déjà vu 東京".ToCharArray());
        Assert.Same(text, Nfc.Normalize(text));
    }

    [Property(Arbitrary = [typeof(UnicodeArbitraries)], MaxTest = 300, Replay = "3,1033")]
    public void Normalising_twice_changes_nothing(UnicodeText text)
    {
        var once = Nfc.Normalize(text.Value);
        Assert.Equal(once, Nfc.Normalize(once));
        Assert.True(Nfc.IsNormalized(once));
    }

    /// <summary>
    /// Python's unicodedata (an independent implementation; python3 comes with scripts/setup.sh --test-tools) agrees on
    /// 2,000 seeded strings built from the characters NFC acts on. Unicode's stability policy keeps the NFC of these
    /// characters the same in later versions, so a newer Python agrees too.
    /// </summary>
    [Fact]
    public void Agrees_with_Python_unicodedata()
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), "python3 is needed (scripts/setup.sh --test-tools installs it)");
        var pool = Nfc.TableCodePoints().Concat(Enumerable.Range(0x1100, 0x100)).Concat(Enumerable.Range(0xAC00, 64)).Concat("aeiouAEIOU ".Select(c => (int)c)).ToArray();
        var random = new Random(20261125);
        var strings = Enumerable.Range(0, 2_000).Select(_ =>
        {
            var builder = new StringBuilder();
            for (int i = 0, n = 1 + random.Next(8); i < n; i++) builder.Append(char.ConvertFromUtf32(pool[random.Next(pool.Length)]));
            return builder.ToString();
        }).ToList();
        var start = new ProcessStartInfo(python, ["-c", "import json,sys,unicodedata as u; print(json.dumps([u.normalize('NFC', s) for s in json.load(sys.stdin)]))"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, StandardInputEncoding = new UTF8Encoding(false), StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(strings));
        process.StandardInput.Close();
        var expected = JsonSerializer.Deserialize<List<string>>(process.StandardOutput.ReadToEnd())!;
        process.WaitForExit();
        var mismatches = strings.Select((s, i) => (s, e: expected[i], a: Nfc.Normalize(s))).Where(t => t.e != t.a).ToList();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches, first: {string.Join(' ', mismatches.FirstOrDefault().s?.EnumerateRunes().Select(r => r.Value.ToString("X4")) ?? [])}");
    }

    [Fact]
    public void The_tables_are_loaded() => Assert.Equal("14.0.0", Nfc.UnicodeVersion);
}
