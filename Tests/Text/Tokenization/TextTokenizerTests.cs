using System.Diagnostics;
using System.Text;
using FsCheck.Xunit;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Tokenization;
using VaeCreative.Text.Unicode;

namespace VaeCreative.Tests.Text.Tokenization;

public class TextTokenizerTests(TokenizerFixture fixture) : IClassFixture<TokenizerFixture>
{
    private TextTokenizer Tokenizer => fixture.Tokenizer;

    public static TheoryData<string> Cases() => new()
    {
        "A tattered banner flaps over the gate.",
        "Café déjà vu, naïve façade — Ångström",
        "e\u0301 and a\u0323\u0307: combining marks (NFC composes them)",
        "東京タワー、北京、서울, 日本語のテキスト",
        "Emoji 😀, a family 👩‍👩‍👧‍👦, a flag 🇫🇷, skin tone 👍🏽, keycap 1️⃣",
        "مرحبا بالعالم — שלום עולם (right to left) \u200F\u202Eabc\u202C",
        "tabs\tand\nnew\r\nlines\r, \u0001 \u001F \u007F controls",
        "multiple   spaces    inside",
        "   leading and trailing spaces   ",
        " ",
        "\u2581 SentencePiece's space marker \u2581\u2581, alone and doubled",
        "<s> </s> <pad> <unk> <0x41> look like special pieces",
        "\0 NUL \0",
        "\uFEFF BOM, \uFFFD replacement, \uFFFF noncharacter, \U0010FFFF last code point",
        "zero\u200Bwidth\u200Cjoiners\u200D",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 and \U0001F9EC",
        new string('x', 4096),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_inverts_Encode_exactly_and_Encode_never_gives_a_special_piece(string text)
    {
        var ids = Tokenizer.Encode(text);
        var expected = Nfc.Normalize(text);
        Assert.Equal(expected, Tokenizer.Decode(ids));
        AssertNoSpecial(ids);
    }

    [Property(Arbitrary = [typeof(UnicodeArbitraries)], MaxTest = 400, EndSize = 60, Replay = "20261125,1013")]
    public void Any_valid_Unicode_round_trips_once_in_NFC(UnicodeText text)
    {
        var ids = Tokenizer.Encode(text.Value);
        Assert.Equal(Nfc.Normalize(text.Value), Tokenizer.Decode(ids));
        AssertNoSpecial(ids);
        Assert.Equal(ids, Tokenizer.Encode(Nfc.Normalize(text.Value)));
    }

    [Property(MaxTest = 400, Replay = "7,1019")]
    public void Arbitrary_strings_round_trip_when_valid(string? text)
    {
        if (text is null || !IsValidUnicode(text)) return; // FsCheck's strings may hold unpaired surrogates
        var ids = Tokenizer.Encode(text);
        Assert.Equal(Nfc.Normalize(text), Tokenizer.Decode(ids));
        AssertNoSpecial(ids);
    }

    [Fact]
    public void Encode_normalises_to_NFC_first()
    {
        Assert.Equal(Tokenizer.Encode("caf\u00E9"), Tokenizer.Encode("cafe\u0301"));
        Assert.Equal("caf\u00E9", Tokenizer.Decode(Tokenizer.Encode("cafe\u0301")));
    }

    [Fact]
    public void Known_text_uses_learned_merges_and_unknown_characters_fall_back_to_bytes()
    {
        var common = Tokenizer.Encode("the wizard sleeps under the bridge");
        Assert.True(common.Count < "the wizard sleeps under the bridge".Length / 2, $"{common.Count} tokens: the merges were not learned");
        // A character the training text never held becomes its four UTF-8 bytes.
        var rare = Tokenizer.Encode("\U0001F9EC");
        Assert.Equal(["<0xF0>", "<0x9F>", "<0xA7>", "<0xAC>"], rare.Select(Tokenizer.Piece));
    }

    [Fact]
    public void Special_ids_are_distinct_and_fixed()
    {
        Assert.Equal((0, 1, 2, 3), (Tokenizer.PadId, Tokenizer.UnknownId, Tokenizer.BosId, Tokenizer.EosId));
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>"], new[] { 0, 1, 2, 3 }.Select(Tokenizer.Piece));
        Assert.Equal(TokenizerFixture.Vocabulary, Tokenizer.VocabularySize);
    }

    [Fact]
    public void Decode_skips_padding_and_sentence_marks_and_replaces_broken_byte_runs()
    {
        var ids = Tokenizer.Encode("Rain falls.");
        var framed = new[] { Tokenizer.BosId }.Concat(ids).Append(Tokenizer.EosId).Append(Tokenizer.PadId).Append(Tokenizer.PadId);
        Assert.Equal("Rain falls.", Tokenizer.Decode(framed));
        var half = Tokenizer.Encode("\U0001F9EC").Take(2).ToList(); // two of four bytes, as a model might sample them
        Assert.Equal("\uFFFD", Tokenizer.Decode(half));
        Assert.Equal("\uFFFD", Tokenizer.Decode([Tokenizer.UnknownId]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([Tokenizer.VocabularySize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([-1]));
    }

    [Fact]
    public void Encoding_from_several_threads_gives_the_same_ids()
    {
        var expected = fixture.Snippets.Select(s => Tokenizer.Encode(s)).ToList();
        var results = new IReadOnlyList<int>[4][];
        Parallel.For(0, 4, t => results[t] = fixture.Snippets.Select(s => Tokenizer.Encode(s)).ToArray());
        foreach (var run in results) Assert.Equal(expected, run);
    }

    [Fact]
    public void Encode_refuses_unpaired_surrogates()
    {
        Assert.Throws<ArgumentException>(() => Tokenizer.Encode("a\uD800b"));
        Assert.Throws<ArgumentException>(() => Tokenizer.Encode("\uDC00"));
    }

    [Fact]
    public void Training_is_deterministic_and_loading_gives_the_same_tokenizer()
    {
        using var dir = new TempDir();
        var path = dir.File("again.model");
        TextTokenizer.Train(fixture.Snippets, path, TokenizerFixture.Vocabulary, _ => { });
        Assert.Equal(fixture.Bytes, File.ReadAllBytes(path));
        var loaded = TextTokenizer.Load(path);
        foreach (var snippet in fixture.Snippets.Take(50)) Assert.Equal(Tokenizer.Encode(snippet), loaded.Encode(snippet));
        // Written atomically: nothing but the model is left beside it.
        Assert.Equal(["again.model"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_small_corpus_gives_the_pieces_it_supports_instead_of_failing()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var tokenizer = TextTokenizer.Train(["one small line", "and another small line"], dir.File("t.model"), 8_000, log.Add);
        Assert.InRange(tokenizer.VocabularySize, 260, 400);
        Assert.Contains(log, l => l.Contains("no more than that", StringComparison.Ordinal));
        Assert.Equal("and another small line", tokenizer.Decode(tokenizer.Encode("and another small line")));
    }

    [Fact]
    public void Training_refuses_bad_sizes_empty_text_and_a_missing_spm_train()
    {
        using var dir = new TempDir();
        var path = dir.File("t.model");
        Assert.Throws<ArgumentOutOfRangeException>(() => TextTokenizer.Train(fixture.Snippets, path, TextTokenizer.MinVocabularySize - 1, _ => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextTokenizer.Train(fixture.Snippets, path, TextTokenizer.MaxVocabularySize + 1, _ => { }));
        var empty = Assert.Throws<TrainingDataException>(() => TextTokenizer.Train(["", "  \n "], path, 400, _ => { }));
        Assert.Contains("no text", empty.Message);
        var missing = Assert.Throws<TrainingDataException>(() => TextTokenizer.Train(fixture.Snippets, path, 400, _ => { }, spmTrain: null));
        Assert.Equal("text training needs sentencepiece's spm_train (apt-get install sentencepiece; scripts/setup.sh installs it).", missing.Message);
        var gone = Assert.Throws<TrainingDataException>(() => TextTokenizer.Train(fixture.Snippets, path, 400, _ => { }, dir.File("no-such-spm_train")));
        Assert.StartsWith("text training needs sentencepiece's spm_train", gone.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Training_reports_spm_train_refusing_the_text_in_the_users_terms()
    {
        // 300 distinct characters, each as common as the next: more than a 300-piece vocabulary can hold.
        var snippets = Enumerable.Range(0, 300).Select(i => new string((char)(0x4E00 + i), 3) + " " + new string((char)(0x4E00 + (i + 1) % 300), 2)).ToList();
        using var dir = new TempDir();
        var e = Assert.Throws<TrainingDataException>(() => TextTokenizer.Train(snippets, dir.File("t.model"), 300, _ => { }));
        Assert.Contains("raise the vocabulary size", e.Message);
    }

    [Fact]
    public void Load_refuses_missing_damaged_and_foreign_files_with_ModelLoadException()
    {
        using var dir = new TempDir();
        var missing = Assert.Throws<ModelLoadException>(() => TextTokenizer.Load(dir.File("none.model")));
        Assert.Contains("does not exist", missing.Message);
        File.WriteAllBytes(dir.File("truncated.model"), fixture.Bytes[..(fixture.Bytes.Length / 2)]);
        Assert.Contains("damaged", Assert.Throws<ModelLoadException>(() => TextTokenizer.Load(dir.File("truncated.model"))).Message);
        File.WriteAllText(dir.File("text.model"), "not a model at all, just some words\n");
        Assert.Throws<ModelLoadException>(() => TextTokenizer.Load(dir.File("text.model")));
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var junk = (byte[])fixture.Bytes.Clone();
            for (var k = 0; k < 4; k++) junk[random.Next(junk.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(dir.File("junk.model"), junk);
            try { TextTokenizer.Load(dir.File("junk.model")); }
            catch (ModelLoadException) { }
        }
    }

    [Fact]
    public void Load_refuses_a_sentencepiece_model_trained_with_defaults_that_lose_spaces()
    {
        // spm_train's defaults: a dummy prefix, collapsed white space, NFKC, no byte fallback.
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("corpus.txt"), fixture.Snippets);
        var start = new ProcessStartInfo("spm_train") { WorkingDirectory = dir.Path, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--input=corpus.txt", "--model_prefix=plain", "--vocab_size=300", "--model_type=bpe", "--minloglevel=2" }) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }
        var e = Assert.Throws<ModelLoadException>(() => TextTokenizer.Load(dir.File("plain.model")));
        Assert.Contains("cannot round-trip text exactly", e.Message);
    }

    private void AssertNoSpecial(IReadOnlyList<int> ids)
    {
        foreach (var id in ids)
        {
            Assert.NotEqual(Tokenizer.UnknownId, id);
            Assert.NotEqual(Tokenizer.PadId, id);
            Assert.NotEqual(Tokenizer.BosId, id);
            Assert.NotEqual(Tokenizer.EosId, id);
        }
    }

    internal static bool IsValidUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}
