using VaeCreative.Core.Objectives;

namespace VaeCreative.Tests.Core.Objectives;

public class KlScheduleTests
{
    [Fact]
    public void Constant_is_constant() => Assert.Equal(0.3, new ConstantKl(0.3).Beta(12345));

    [Fact]
    public void Linear_warmup_rises_then_holds()
    {
        var s = new LinearWarmupKl(0.2, 100);
        Assert.Equal(0, s.Beta(0));
        Assert.Equal(0.1, s.Beta(50), 12);
        Assert.Equal(0.2, s.Beta(100), 12);
        Assert.Equal(0.2, s.Beta(5000), 12);
    }

    [Fact]
    public void Cyclical_ramps_in_the_first_half_of_each_period()
    {
        var s = new CyclicalKl(1.0, 100);
        Assert.Equal(0, s.Beta(0));
        Assert.Equal(0.5, s.Beta(25), 12);
        Assert.Equal(1.0, s.Beta(60), 12);
        Assert.Equal(0, s.Beta(100));
        Assert.Equal(0.5, s.Beta(125), 12);
    }

    [Theory]
    [InlineData("constant:0.5")]
    [InlineData("linear:0.2:2000")]
    [InlineData("cyclical:1:400")]
    public void Parse_reads_what_ToString_writes(string text) => Assert.Equal(text, KlSchedule.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("linear:0.2")]
    [InlineData("cosine:1:2")]
    [InlineData("constant:abc")]
    public void Bad_text_gives_a_format_error_with_the_accepted_forms(string text)
    {
        var e = Assert.Throws<FormatException>(() => KlSchedule.Parse(text));
        Assert.Contains("linear:BETA:WARMUP_STEPS", e.Message);
    }
}
