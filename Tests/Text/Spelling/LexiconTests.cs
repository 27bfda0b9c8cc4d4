using VaeCreative.Core.Checkpoints;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Spelling;
using Xunit;

namespace VaeCreative.Tests.Text.Spelling;

public sealed class LexiconTests
{
    [Fact]
    public void FromText_keeps_words_used_often_enough_folded()
    {
        var lexicon = Lexicon.FromText(["The Wolf howls.", "the wolf sleeps", "THE WOLF’S den", "a typo: teh"], minCount: 2);

        Assert.Equal(["the", "wolf"], lexicon.Words);
    }

    [Fact]
    public void Contains_knows_possessives_and_trailing_apostrophes_of_listed_words()
    {
        var lexicon = new Lexicon(["wolf", "dogs"]);

        Assert.True(lexicon.Contains("wolf"));
        Assert.True(lexicon.Contains("wolf's"));
        Assert.True(lexicon.Contains("dogs'"));
        Assert.False(lexicon.Contains("wolf'"));
        Assert.False(lexicon.Contains("wol"));
        Assert.False(lexicon.Contains("wolves"));
        Assert.False(lexicon.Contains(""));
    }

    [Fact]
    public void HasPrefix_is_true_for_prefixes_of_listed_words_only()
    {
        var lexicon = new Lexicon(["banner", "bandit", "gate"]);

        Assert.True(lexicon.HasPrefix("ban"));
        Assert.True(lexicon.HasPrefix("bann"));
        Assert.True(lexicon.HasPrefix("gate"));
        Assert.True(lexicon.HasPrefix(""));
        Assert.False(lexicon.HasPrefix("bans"));
        Assert.False(lexicon.HasPrefix("gates"));
        Assert.False(lexicon.HasPrefix("z"));
    }

    [Fact]
    public void Entries_that_are_not_one_word_are_left_out()
    {
        var lexicon = new Lexicon(["two words", "42", "", "  ", "don't", "Éclair", "東京"]);

        Assert.Equal(["don't", "éclair", "東京"], lexicon.Words.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_and_Load_round_trip_and_a_missing_file_is_null()
    {
        using var dir = new TempDir();
        Assert.Null(Lexicon.Load(dir.Path));
        var lexicon = new Lexicon(["wolf", "Éclair", "don't"]);

        lexicon.Save(dir.Path);
        var loaded = Lexicon.Load(dir.Path);

        Assert.NotNull(loaded);
        Assert.Equal(lexicon.Words, loaded.Words);
        Assert.Equal("don't\nwolf\néclair\n", File.ReadAllText(Path.Combine(dir.Path, Lexicon.FileName)));
    }

    [Fact]
    public void An_unreadable_lexicon_is_a_model_load_error()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, Lexicon.FileName), [0x77, 0xFF, 0xFE, 0x0A]);

        var e = Assert.Throws<ModelLoadException>(() => Lexicon.Load(dir.Path));
        Assert.Contains(Lexicon.FileName, e.Message);
    }
}
