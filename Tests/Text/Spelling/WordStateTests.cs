using System.Text;
using VaeCreative.Text.Spelling;
using Xunit;

namespace VaeCreative.Tests.Text.Spelling;

public sealed class WordStateTests
{
    [Theory]
    [InlineData("wolf", CaseShape.Lower)]
    [InlineData("Wolf", CaseShape.Title)]
    [InlineData("WOLF", CaseShape.Upper)]
    [InlineData("W", CaseShape.Capital)]
    [InlineData("wOlf", CaseShape.Mixed)]
    [InlineData("WoLF", CaseShape.Mixed)]
    [InlineData("東京", CaseShape.None)]
    [InlineData("Don't", CaseShape.Title)]
    public void The_case_shape_follows_the_cased_letters(string word, CaseShape shape) => Assert.Equal(shape, Spell(word).Shape);

    [Fact]
    public void Folding_lowers_and_makes_curly_apostrophes_straight()
    {
        var state = Spell("Wolf\u2019S");

        Assert.Equal("Wolf\u2019S", state.Raw);
        Assert.Equal("wolf's", state.Folded);
    }

    private static WordState Spell(string word) => word.EnumerateRunes().Aggregate(WordState.Between, (s, r) => s.Append(r));
}
