using VaeCreative.Audio.Melodies;

namespace VaeCreative.Tests.Audio.Melodies;

public class MetreMapTests
{
    [Theory]
    [InlineData(4, 4, 16)]
    [InlineData(3, 4, 12)]
    [InlineData(6, 8, 12)]
    [InlineData(7, 16, 7)]
    [InlineData(5, 4, 20)]
    [InlineData(2, 2, 16)]
    [InlineData(3, 32, 2)] // 1.5 steps, rounded
    public void Bars_are_measured_on_the_sixteenth_grid(int numerator, int denominator, int steps) =>
        Assert.Equal(steps, new TimeSignature(numerator, denominator).StepsPerBar);

    [Fact]
    public void Bar_starts_follow_the_changes_and_a_change_starts_a_bar()
    {
        var map = new MetreMap([new MetreChange(0, new TimeSignature(3, 4)), new MetreChange(30, TimeSignature.Common)]);
        // 3/4 bars at 0, 12, 24; the change at 30 cuts the third bar short.
        Assert.Equal([0, 12, 24, 30, 46], map.BarStarts(60));
        Assert.Equal(new TimeSignature(3, 4), map.At(29));
        Assert.Equal(TimeSignature.Common, map.At(30));
    }

    [Fact]
    public void A_map_without_a_start_begins_in_common_time_and_repeats_are_dropped()
    {
        var map = new MetreMap([new MetreChange(16, new TimeSignature(3, 4)), new MetreChange(28, new TimeSignature(3, 4))]);
        Assert.Equal([new MetreChange(0, TimeSignature.Common), new MetreChange(16, new TimeSignature(3, 4))], map.Changes);
        Assert.Equal("4/4, 3/4 from step 16", map.ToString());
    }

    [Fact]
    public void Bad_changes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetreMap([new MetreChange(-1, TimeSignature.Common)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetreMap([new MetreChange(0, new TimeSignature(0, 4))]));
    }
}
