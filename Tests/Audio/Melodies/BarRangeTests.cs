using VaeCreative.Audio.Melodies;

namespace VaeCreative.Tests.Audio.Melodies;

public class BarRangeTests
{
    [Theory]
    [InlineData("5-12", 5, 12)]
    [InlineData("5", 5, 5)]
    [InlineData(" 3 - 4 ", 3, 4)]
    [InlineData("7-", 7, null)]
    public void Parses_the_three_forms(string text, int first, int? last) => Assert.Equal(new BarRange(first, last), BarRange.Parse(text));

    [Theory]
    [InlineData("0-3", "bar numbers from 1")]
    [InlineData("a-b", "FIRST-LAST")]
    [InlineData("5-3", "the last bar comes before the first")]
    [InlineData("-3", "FIRST-LAST")]
    [InlineData("1-2-3", "FIRST-LAST")]
    public void Refuses_what_is_not_a_range(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => BarRange.Parse(text)).Message);

    [Fact]
    public void Steps_follow_the_metre_and_a_range_past_the_end_is_refused()
    {
        var melody = new Melody(new int[12 * 8], 120, new TimeSignature(3, 4));
        Assert.Equal((24, 60), BarRange.Parse("3-5").Steps(melody));
        Assert.Equal((84, 96), BarRange.Parse("8-").Steps(melody));
        Assert.Contains("the melody has 8 bars (3/4)", Assert.Throws<FormatException>(() => BarRange.Parse("7-9").Steps(melody)).Message);
    }
}
