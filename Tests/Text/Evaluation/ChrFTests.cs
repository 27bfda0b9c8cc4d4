using VaeCreative.Text.Evaluation;

namespace VaeCreative.Tests.Text.Evaluation;

public class ChrFTests
{
    [Fact]
    public void A_close_paraphrase_scores_as_the_issue_measured_it()
    {
        // Issue 24's example pair scores 0.62 there; an independent Python version of the same definition gives 0.6189.
        Assert.Equal(0.6189, ChrF.Score("A tattered flag hangs over the old gate.", "A tattered banner flaps over the gate."), 4);
    }

    [Fact]
    public void Identical_texts_score_one_and_disjoint_texts_zero()
    {
        Assert.Equal(1.0, ChrF.Score("The gate is shut.", "The gate is shut."), 12);
        Assert.Equal(0.0, ChrF.Score("xyz", "abc"));
        Assert.Equal(1.0, ChrF.Score("", ""));
        Assert.Equal(0.0, ChrF.Score("", "abc"));
    }

    [Fact]
    public void Runs_of_white_space_count_as_one_space()
    {
        Assert.Equal(1.0, ChrF.Score("the  old\tgate ", " the old gate"), 12);
        Assert.True(ChrF.Score("theoldgate", "the old gate") < 1);
    }

    [Fact]
    public void Recall_weighs_more_than_precision()
    {
        // A hypothesis holding half the reference (high precision, low recall) scores below one holding all of it and more.
        var reference = "a tattered banner";
        Assert.True(ChrF.Score("a tattered", reference) < ChrF.Score("a tattered banner flaps over the gate", reference));
    }

    [Fact]
    public void A_character_outside_the_bmp_is_one_character()
    {
        // Two emoji: 2 characters, so orders up to 2 exist and identical texts score 1.
        Assert.Equal(1.0, ChrF.Score("😀😁", "😀😁"), 12);
        Assert.Equal(0.0, ChrF.Score("😀", "😁"));
    }
}
