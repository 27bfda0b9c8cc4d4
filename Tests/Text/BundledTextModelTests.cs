using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Host.Composition;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Evaluation;
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
        var model = store.Get("text-flavour", "text");
        Assert.Equal("span-latent-vae", model.Manifest.ModelKind);
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(model);
        var seedText = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "seed-text.txt")).Trim();
        var seed = generator.Prepare(Material.FromText(seedText), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 8, Rng = 1 })])[0].Select(o => o.Text!).ToList();
        Assert.Equal(8, outputs.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(seedText, outputs);
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o)));
        Assert.True(new FileInfo(Path.Combine(RepoPaths.DefaultTextModel, "model.weights")).Length < 30 << 20, "the bundled model must stay under 30 MB");
    }

    [Fact]
    public void Variations_of_the_demo_line_stay_with_it_in_real_words()
    {
        using var services = HostServices.Build(Path.Combine(RepoPaths.Root, "models"));
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(services.GetRequiredService<ModelStore>().Get("text-flavour", "text"));
        var seedText = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "seed-text.txt")).Trim();
        const string unrelated = "More and larger corpses result in more powerful creations.";
        var seed = generator.Prepare(Material.FromText(seedText), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 8, Rng = 1 })])[0].Select(o => o.Text!).ToList();
        // Issue 24's figures: the sentence VAE's variations scored 0.19 against their seed and 0.17 against another line.
        var toSeed = outputs.Average(o => ChrF.Score(o, seedText));
        var toOther = outputs.Average(o => ChrF.Score(o, unrelated));
        Assert.True(toSeed > 0.4 && toSeed > toOther + 0.2, $"chrF {toSeed:F3} to the seed, {toOther:F3} to another line: {string.Join(" | ", outputs)}");
        if (File.Exists(WordList.DefaultPath))
        {
            var measures = new TextVariationMeasures(WordList.Load());
            var counts = outputs.Select(o => measures.Clean(Material.FromText(o), Material.FromText(seedText))).ToList();
            Assert.True(counts.Sum(c => c.Clean) >= 0.9 * counts.Sum(c => c.Total), $"invented words in: {string.Join(" | ", outputs)}");
        }
    }

    [Theory]
    [InlineData("यह एक छोटा सा वाक्य है जो हिंदी में लिखा गया है।")]
    [InlineData("春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。")]
    [InlineData("هذه جملة قصيرة مكتوبة باللغة العربية من أجل الاختبار.")]
    public void Sentences_in_scripts_the_tokenizer_spells_byte_by_byte_are_varied_in_pieces(string sentence)
    {
        using var services = HostServices.Build(Path.Combine(RepoPaths.Root, "models"));
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(services.GetRequiredService<ModelStore>().Get("text-flavour", "text"));
        var seed = generator.Prepare(Material.FromText(sentence), "seed");
        Assert.True(seed.Rows > 1, "one sentence of these scripts is over 46 tokens for an English tokenizer");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 4, Rng = 1 })])[0].Select(o => o.Text!).ToList();
        Assert.Equal(4, outputs.Distinct(StringComparer.Ordinal).Count());
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o)));
    }
}
