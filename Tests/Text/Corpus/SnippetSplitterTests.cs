using VaeCreative.Text.Corpus;

namespace VaeCreative.Tests.Text.Corpus;

public class SnippetSplitterTests
{
    [Fact]
    public void Text_that_fits_is_kept_whole_and_trimmed()
    {
        Assert.Equal(["One. Two."], SnippetSplitter.Split("  One. Two.  ", 20));
        Assert.Empty(SnippetSplitter.Split(" \n ", 20));
    }

    [Fact]
    public void Long_text_is_cut_at_sentence_ends_packing_whole_sentences()
    {
        var text = "The gate is shut. The banner flaps! Who goes there? \"Nobody.\" Then silence.";
        Assert.Equal(["The gate is shut. The banner flaps!", "Who goes there? \"Nobody.\"", "Then silence."], SnippetSplitter.Split(text, 36));
    }

    [Fact]
    public void Punctuation_not_followed_by_white_space_is_not_a_sentence_end()
    {
        // "3.14" and "e.g.x" hold periods inside words: the cut falls at white space instead.
        var pieces = SnippetSplitter.Split("Pi is 3.14 and e.g.x is odd text here", 20);
        Assert.All(pieces, p => Assert.InRange(p.Length, 1, 20));
        Assert.Equal("Pi is 3.14 and e.g.x is odd text here", string.Join(' ', pieces));
    }

    [Fact]
    public void A_sentence_too_long_is_cut_at_white_space_then_anywhere()
    {
        Assert.Equal(["aaaa bbbb", "cccc dddd"], SnippetSplitter.Split("aaaa bbbb cccc dddd", 10));
        Assert.Equal(["abcdefghij", "klmnopqrst", "uvwxyz"], SnippetSplitter.Split("abcdefghijklmnopqrstuvwxyz", 10));
    }

    [Fact]
    public void A_hard_cut_never_splits_a_surrogate_pair_or_a_combining_sequence()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 10)); // 20 UTF-16 characters
        var pieces = SnippetSplitter.Split(emoji, 7);
        Assert.All(pieces, p => Assert.True(p.Length <= 7 && !char.IsHighSurrogate(p[^1]) && !char.IsLowSurrogate(p[0]), p));
        Assert.Equal(emoji, string.Concat(pieces));
        var marks = string.Concat(Enumerable.Repeat("e\u0301\u0302", 5)); // 15 characters in 5 text elements
        var cut = SnippetSplitter.Split(marks, 7);
        Assert.Equal(["e\u0301\u0302e\u0301\u0302", "e\u0301\u0302e\u0301\u0302", "e\u0301\u0302"], cut);
    }

    [Fact]
    public void Every_piece_fits_and_nothing_but_white_space_is_lost()
    {
        var random = new Random(5);
        string[] words = ["a", "word.", "longerword", "Yes!", "why?", "\"Quoted.\"", "x", "—", "東京。"];
        for (var n = 0; n < 300; n++)
        {
            var text = string.Join(random.Next(3) == 0 ? "  " : " ", Enumerable.Range(0, random.Next(1, 60)).Select(_ => words[random.Next(words.Length)]));
            var max = random.Next(16, 80);
            var pieces = SnippetSplitter.Split(text, max);
            Assert.All(pieces, p => Assert.InRange(p.Length, 1, max));
            Assert.Equal(string.Concat(text.Where(c => !char.IsWhiteSpace(c))), string.Concat(string.Concat(pieces).Where(c => !char.IsWhiteSpace(c))));
        }
    }

    [Fact]
    public void Full_width_and_Indic_stops_end_sentences_without_white_space()
    {
        Assert.Equal(["東京は晴れ。", "大阪は雨。"], SnippetSplitter.Split("東京は晴れ。大阪は雨。", 8));
        Assert.Equal(["「行こう。」", "はい。"], SnippetSplitter.Split("「行こう。」はい。", 7));
        Assert.Equal(["राम घर गया।", "सीता आई।"], SnippetSplitter.Split("राम घर गया।सीता आई।", 12));
    }

    [Fact]
    public void Cut_measures_pieces_with_any_growing_measure_and_keeps_the_separators()
    {
        // UTF-8 bytes stand in for tokens: 3 per kana, 1 per ASCII letter.
        static int Bytes(string s) => System.Text.Encoding.UTF8.GetByteCount(s);
        var text = " ありがとう ございます。\nまた  あした。 ";
        var ranges = SnippetSplitter.Cut(text, 20, Bytes);
        var pieces = ranges.Select(r => text[r]).ToList();
        Assert.Equal(["ありがとう", "ございます。", "また  あした。"], pieces);
        Assert.Equal(" ", text[ranges[0].End..ranges[1].Start]);
        Assert.Equal("\n", text[ranges[1].End..ranges[2].Start]);
        Assert.All(pieces, p => Assert.InRange(Bytes(p), 1, 20));
    }

    [Fact]
    public void Cut_agrees_with_split_by_characters_on_random_text()
    {
        var random = new Random(9);
        string[] words = ["a", "word.", "longerword", "Yes!", "why?", "x", "東京。", "😀😀", "e\u0301"];
        for (var n = 0; n < 200; n++)
        {
            var text = string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(_ => words[random.Next(words.Length)]));
            var max = random.Next(4, 50);
            Assert.Equal(SnippetSplitter.Split(text, max), SnippetSplitter.Cut(text, max, s => s.Length).Select(r => text[r]));
            var ranges = SnippetSplitter.Cut(text, max, s => System.Text.Encoding.UTF8.GetByteCount(s));
            for (var k = 1; k < ranges.Count; k++)
                Assert.True(ranges[k].Start.Value >= ranges[k - 1].End.Value, "ranges overlap");
            Assert.Equal(string.Concat(text.Where(c => !char.IsWhiteSpace(c))), string.Concat(ranges.SelectMany(r => text[r]).Where(c => !char.IsWhiteSpace(c))));
        }
    }
}
