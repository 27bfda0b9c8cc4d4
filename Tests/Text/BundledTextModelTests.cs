using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Host.Composition;
using VaeCreative.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace VaeCreative.Tests.Text;

/// <summary>The bundled text model loads with this build's code (weights, tokenizer, manifest) and varies the demo line.</summary>
public class BundledTextModelTests
{
    [Fact]
    public void The_bundled_model_varies_the_demo_line_into_eight_distinct_lines()
    {
        using var services = HostServices.Build(Path.Combine(RepoPaths.Root, "models"));
        var store = services.GetRequiredService<ModelStore>();
        var model = store.Get("text-fortunes", "text");
        Assert.Equal("sentence-vae", model.Manifest.ModelKind);
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(model);
        var seedText = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "seed-text.txt")).Trim();
        var seed = generator.Prepare(Material.FromText(seedText), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 8, Rng = 1 })])[0].Select(o => o.Text!).ToList();
        Assert.Equal(8, outputs.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(seedText, outputs);
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o)));
        Assert.True(new FileInfo(Path.Combine(RepoPaths.DefaultTextModel, "model.weights")).Length < 20 << 20, "the bundled model must stay under 20 MB");
    }

    [Theory]
    [InlineData("यह एक छोटा सा वाक्य है जो हिंदी में लिखा गया है।")]
    [InlineData("春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。")]
    [InlineData("هذه جملة قصيرة مكتوبة باللغة العربية من أجل الاختبار.")]
    public void Sentences_in_scripts_the_tokenizer_spells_byte_by_byte_are_varied_in_pieces(string sentence)
    {
        using var services = HostServices.Build(Path.Combine(RepoPaths.Root, "models"));
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(services.GetRequiredService<ModelStore>().Get("text-fortunes", "text"));
        var seed = generator.Prepare(Material.FromText(sentence), "seed");
        Assert.True(seed.Rows > 1, "one sentence of these scripts is over 46 tokens for an English tokenizer");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 4, Rng = 1 })])[0].Select(o => o.Text!).ToList();
        Assert.Equal(4, outputs.Distinct(StringComparer.Ordinal).Count());
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o)));
    }
}
