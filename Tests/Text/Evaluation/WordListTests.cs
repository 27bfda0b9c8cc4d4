using VaeCreative.Core.Modalities;
using VaeCreative.Text.Evaluation;

namespace VaeCreative.Tests.Text.Evaluation;

public class WordListTests
{
    private static readonly WordList Dictionary = new(["gate", "the", "banner", "old", "it's", "dragon"]);

    [Fact]
    public void Words_are_runs_of_letters_in_any_script_with_inner_apostrophes()
    {
        Assert.Equal(["The", "gate's", "old", "Straße", "город", "don’t"], WordList.Words("The gate's 3 old -- Straße, город! don’t").ToArray());
    }

    [Fact]
    public void A_word_is_known_in_any_case_and_with_a_possessive()
    {
        Assert.True(Dictionary.Contains("Gate"));
        Assert.True(Dictionary.Contains("dragon's"));
        Assert.True(Dictionary.Contains("dragon’s"));
        Assert.True(Dictionary.Contains("it's"));
        Assert.False(Dictionary.Contains("gatte"));
    }

    [Fact]
    public void Words_from_the_seed_are_clean_and_invented_ones_are_not()
    {
        var measures = new TextVariationMeasures(Dictionary);
        var seed = Material.FromText("Konrad opens the gate.");
        Assert.Equal((4L, 5L), measures.Clean(Material.FromText("Konrad opens the old gatte."), seed)); // "opens" from the seed, "gatte" invented
        Assert.Equal("chrf", measures.SimilarityName);
        Assert.Equal(1.0, measures.Similarity(seed, seed), 12);
    }

    [Fact]
    public void A_missing_list_says_what_to_install()
    {
        var e = Assert.Throws<FileNotFoundException>(() => WordList.Load("/nonexistent/words"));
        Assert.Contains("wamerican", e.Message);
    }

    [Fact]
    public void Debians_american_list_knows_common_words_when_installed()
    {
        if (!File.Exists(WordList.DefaultPath)) return; // scripts/setup.sh --text-corpus installs it
        var list = WordList.Load();
        Assert.True(list.Count > 50_000);
        Assert.All(new[] { "tattered", "banner", "flaps", "gate", "dragon's" }, w => Assert.True(list.Contains(w), w));
        Assert.False(list.Contains("fidic"));
    }
}
