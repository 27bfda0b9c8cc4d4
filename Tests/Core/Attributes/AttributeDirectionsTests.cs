using VaeCreative.Core.Attributes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Attributes;

public class AttributeDirectionsTests
{
    private static AttributeDirections Two() => new(3,
    [
        new AttributeDirection(new LatentAttribute("busy", "notes"), [1, 0, 0], 1, 5, 3, 1.5, 100),
        new AttributeDirection(new LatentAttribute("high", "pitch"), [0, 2, 0], 50, 70, 60, 8, 100),
    ]);

    [Fact]
    public void A_shift_adds_each_vector_times_its_strength()
    {
        Assert.Equal([0.5f, -2f, 0f], Two().Shift(new Dictionary<string, double> { ["busy"] = 0.5, ["high"] = -1 })!);
        Assert.Null(Two().Shift(new Dictionary<string, double>()));
    }

    [Fact]
    public void Unknown_names_and_wild_strengths_are_refused_with_the_known_names()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Two().Shift(new Dictionary<string, double> { ["loud"] = 1 }));
        Assert.Equal("this model has no attribute 'loud'; it has busy, high.", unknown.Message);
        var wild = Assert.Throws<ArgumentOutOfRangeException>(() => Two().Shift(new Dictionary<string, double> { ["busy"] = double.NaN }));
        Assert.StartsWith("attribute 'busy' strength must be between -8 and 8; got NaN.", wild.Message);
    }

    [Fact]
    public void Saves_and_loads_and_a_damaged_file_says_how_to_mend_it()
    {
        using var dir = new TempDir();
        Two().Save(dir.Path);
        var back = AttributeDirections.Load(dir.Path)!;
        Assert.Equal(Two().Directions.Select(d => (d.Attribute, d.Low, d.High, d.Mean, d.StdDev, d.Examples)), back.Directions.Select(d => (d.Attribute, d.Low, d.High, d.Mean, d.StdDev, d.Examples)));
        Assert.Equal(Two().Directions[1].Vector, back.Directions[1].Vector);
        File.WriteAllText(Path.Combine(dir.Path, AttributeDirections.FileName), "{\"latentSize\": 3, \"attributes\": [{\"name\": \"x\"}]}");
        var e = Assert.Throws<ModelLoadException>(() => AttributeDirections.Load(dir.Path));
        Assert.Contains("recompute it with vaecreative attributes", e.Message);
        Assert.Null(AttributeDirections.Load(Path.Combine(dir.Path, "nowhere")));
    }

    [Fact]
    public void Regression_separates_attributes_that_go_together_where_quartiles_do_not()
    {
        // Two attributes: "busy" is latent 0; "offbeat" is latent 1 plus most of "busy" (they go together in the data).
        var random = new Random(3);
        var codes = new float[4000][];
        var values = new double[4000][];
        for (var r = 0; r < codes.Length; r++)
        {
            var (a, b) = (random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1);
            codes[r] = [(float)a, (float)b, (float)(random.NextDouble() - 0.5)];
            values[r] = [a, 0.8 * a + 0.5 * b];
        }
        LatentAttribute[] attributes = [new("busy", ""), new("offbeat", "")];
        var quartiles = AttributeDirections.FromCodes(codes, values, attributes, AttributeMethod.Quartiles).Directions[1].Vector;
        var regression = AttributeDirections.FromCodes(codes, values, attributes).Directions[1].Vector;
        // The quartile vector for "offbeat" drags "busy" (latent 0) along; the regression vector holds it still.
        Assert.True(quartiles[0] > 0.5, $"quartiles: {string.Join(", ", quartiles)}");
        Assert.True(Math.Abs(regression[0]) < 0.05, $"regression: {string.Join(", ", regression)}");
        Assert.True(regression[1] > 0.5, $"regression: {string.Join(", ", regression)}");
        Assert.True(Math.Abs(regression[2]) < 0.05);
    }
}
