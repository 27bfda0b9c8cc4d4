using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Text.Training;
using VaeCreative.Text.Generation;
using VaeCreative.Text.Snippets;

namespace VaeCreative.Tests.Text.Generation;

public class TextGeneratorTests
{
    private static Material Text(string text) => Material.FromText(text);

    [Fact]
    public void Variations_differ_from_the_seed_and_from_each_other()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        // A training sentence at high similarity and low temperature: the model's first guess is often the seed itself.
        var seed = generator.Prepare(Text(TinyTextRun.Sentences[3]), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 8, Similarity = 0.9, Temperature = 0.3, Rng = 5 })])[0];
        Assert.Equal(8, outputs.Count);
        var texts = outputs.Select(o => o.Text!).ToList();
        Assert.DoesNotContain(TinyTextRun.Sentences[3], texts);
        Assert.Equal(8, texts.Distinct(StringComparer.Ordinal).Count());
        Assert.All(outputs, o =>
        {
            Assert.Equal(MediaTypes.PlainText, o.MediaType);
            Assert.False(string.IsNullOrWhiteSpace(o.Text));
            Assert.InRange(int.Parse(o.Properties[TextGenerator.TokensProperty]), 1, 38); // a valid seed again
        });
    }

    [Fact]
    public void Copies_of_training_snippets_are_counted_from_the_data_the_manifest_records()
    {
        using var services = TinyTextRun.Services();
        var generator = (ITrainingCopyCheck)TinyTextRun.Generator(services);
        var held = TinyTextRun.Sentences.Where(t => VaeCreative.Text.Corpus.TextCorpus.IsHeldOut(t, 0.1)).ToList();
        var trained = TinyTextRun.Sentences.Where(t => !VaeCreative.Text.Corpus.TextCorpus.IsHeldOut(t, 0.1)).ToList();
        Assert.NotEmpty(trained);
        var outputs = new[] { Text(trained[0]), Text(trained[1] + " "), Text("no sentence of the corpus reads like this one.") }
            .Concat(held.Take(1).Select(Text)).ToList();
        // Two training snippets (one with trailing space); the invented line and a held-out snippet are not copies.
        Assert.Equal(2, generator.CountCopies(outputs));
    }

    [Fact]
    public void The_same_rng_gives_the_same_variations_alone_and_batched()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        var a = new MaterialVariation(generator.Prepare(Text("The red fox waits over the gate."), "seed"), new VaryOptions { Count = 3, Rng = 1, Temperature = 0.8 });
        var b = new MaterialVariation(generator.Prepare(Text("A lantern shines."), "seed"), new VaryOptions { Count = 4, Rng = 2, Similarity = 0.5, TopP = 0.9 });
        var together = generator.VaryMany([a, b]);
        var aloneA = generator.VaryMany([a])[0];
        var aloneB = generator.VaryMany([b])[0];
        Assert.Equal(aloneA.Select(m => m.Text), together[0].Select(m => m.Text));
        Assert.Equal(aloneB.Select(m => m.Text), together[1].Select(m => m.Text));
        var other = generator.VaryMany([a with { Options = a.Options with { Rng = 99 } }])[0];
        Assert.NotEqual(aloneA.Select(m => m.Text), other.Select(m => m.Text));
    }

    [Fact]
    public void Samples_are_never_empty()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        // At the highest temperature the first token is nearly uniform: EOS or padding comes first in a few rows of 1,000.
        var samples = generator.SampleMany([new SampleOptions { Count = 1000, Rng = 11, Temperature = 10 }])[0];
        Assert.Equal(1000, samples.Count);
        Assert.All(samples, m => Assert.False(string.IsNullOrWhiteSpace(m.Text)));
    }

    [Fact]
    public void Interpolations_and_samples_have_the_asked_counts()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        var from = generator.Prepare(Text(TinyTextRun.Sentences[0]), "from");
        var to = generator.Prepare(Text(TinyTextRun.Sentences[40]), "to");
        var path = generator.InterpolateMany([new MaterialInterpolation(from, to, new InterpolateOptions { Steps = 5 })])[0];
        Assert.Equal(5, path.Count);
        Assert.All(path, m => Assert.True(m.IsText));
        var samples = generator.SampleMany([new SampleOptions { Count = 6, Rng = 3 }, new SampleOptions { Count = 2, Rng = 4, Temperature = 0 }]);
        Assert.Equal([6, 2], samples.Select(s => s.Count));
        Assert.Equal(samples[0].Select(m => m.Text), generator.SampleMany([new SampleOptions { Count = 6, Rng = 3 }])[0].Select(m => m.Text));
        Assert.Throws<ArgumentException>(() => generator.SampleMany([new SampleOptions { Properties = new Dictionary<string, string> { ["tempoQpm"] = "90" } }]));
    }

    [Fact]
    public void A_bfloat16_model_varies_text_too()
    {
        using var services = TinyTextRun.Services();
        var model = services.GetRequiredService<ModelStore>().Get(TinyTextRun.ModelDirectory, InferencePrecision.BFloat16);
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(model);
        var seed = generator.Prepare(Text("The quiet fox waits over the hill."), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 4, Rng = 1, TopP = 0.95 })])[0];
        Assert.Equal(4, outputs.Select(o => o.Text).Distinct().Count());
    }

    [Fact]
    public void A_seed_is_normalised_and_tokenised_into_one_row()
    {
        using var services = TinyTextRun.Services();
        var generator = (TextGenerator)TinyTextRun.Generator(services);
        var seed = Assert.IsType<TextSeed>(generator.Prepare(Text("Cafe\u0301 by the gate."), "seed"));
        Assert.Equal(1, seed.Rows);
        Assert.Equal("Caf\u00e9 by the gate.", seed.Text);
        Assert.Equal(seed.Text, generator.Tokenizer.Decode(seed.Tokens));
    }

    [Fact]
    public void Material_that_is_not_text_is_refused_with_its_media_type()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        var midi = Material.FromBytes(AudioMediaTypes.Midi, [0x4d, 0x54, 0x68, 0x64]);
        var e = Assert.Throws<TextReadException>(() => generator.Prepare(midi, "seed"));
        Assert.Equal("a text model takes text; 'seed' is audio/midi.", e.Message);
        Assert.False(e.OverLimit);
        Assert.Contains("'seed' is empty", Assert.Throws<TextReadException>(() => generator.Prepare(Text("  \t "), "seed")).Message);
    }

    [Fact]
    public void A_seed_over_the_model_width_is_varied_in_pieces_joined_with_its_own_separators()
    {
        using var services = TinyTextRun.Services();
        var generator = (TextGenerator)TinyTextRun.Generator(services);
        Assert.Equal(38, generator.MaxSeedTokens);
        var longText = string.Join("\n", Enumerable.Repeat("The quiet lantern waits over the hill.", 8));
        Assert.True(generator.Tokenizer.Encode(longText).Count > 38);
        var seed = Assert.IsType<TextSeed>(generator.Prepare(Text(longText), "seed"));
        Assert.True(seed.Rows > 1);
        Assert.Equal(seed.Rows, seed.Pieces.Count);
        Assert.All(seed.Pieces, p => Assert.InRange(generator.Tokenizer.Encode(p).Count, 1, 38));
        Assert.Equal(longText, seed.Join(seed.Pieces));
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 3, Rng = 2 })])[0];
        Assert.Equal(3, outputs.Select(o => o.Text).Distinct().Count());
        // Pieces are joined with the seed's line breaks (a piece may hold several lines of its own).
        Assert.All(seed.Separators, s => Assert.Equal("\n", s));
        Assert.All(outputs, o => Assert.True(o.Text!.Split('\n').Length >= seed.Rows, o.Text));
        // The same request again, alone or beside a one-piece request, gives the same outputs.
        var single = generator.Prepare(Text(TinyTextRun.Sentences[0]), "seed");
        var batched = generator.VaryMany([new MaterialVariation(single, new VaryOptions { Count = 2, Rng = 1 }), new MaterialVariation(seed, new VaryOptions { Count = 3, Rng = 2 })]);
        Assert.Equal(outputs.Select(o => o.Text), batched[1].Select(o => o.Text));
    }

    [Fact]
    public void Pieces_cut_without_separators_join_with_a_space_only_between_letters_of_spaced_scripts()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        var text = string.Concat(Enumerable.Repeat("東京は晴れ。", 20));
        var seed = Assert.IsType<TextSeed>(generator.Prepare(Text(text), "seed"));
        Assert.True(seed.Rows > 1);
        Assert.All(seed.Separators, s => Assert.Equal("", s));
        Assert.Equal(text, seed.Join(seed.Pieces));
        var latin = Enumerable.Range(0, seed.Rows).Select(k => $"Line {k}.").ToList();
        Assert.Equal(string.Join(' ', latin), seed.Join(latin));
        Assert.Equal("Line 0. Line 1.", seed.Join(latin.Take(2).ToList())); // the first pieces (an interpolation cut to the shorter end)
        Assert.Throws<ArgumentException>(() => seed.Join([]));
        Assert.Throws<ArgumentException>(() => seed.Join([.. latin, "one too many"]));
    }

    [Fact]
    public void A_seed_of_too_many_pieces_is_refused_naming_the_limit()
    {
        using var services = TinyTextRun.Services();
        var generator = (TextGenerator)TinyTextRun.Generator(services);
        // Within the 4,096-character limit, but some 3 tokens a character (byte fallback): far over 64 pieces.
        var longText = string.Concat(Enumerable.Repeat("東京は晴れ。", 300));
        var e = Assert.Throws<TextReadException>(() => generator.Prepare(Text(longText), "seed"));
        Assert.True(e.OverLimit);
        Assert.Contains($"at most {TextGenerator.MaxSeedPieces} pieces", e.Message);
        Assert.Contains("pieces of at most 38 tokens", e.Message);
    }

    [Fact]
    public void Interpolation_ends_of_different_piece_counts_are_cut_to_the_shorter()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        var one = generator.Prepare(Text(TinyTextRun.Sentences[0]), "from");
        var many = (TextSeed)generator.Prepare(Text(string.Join(' ', Enumerable.Repeat("The quiet lantern waits over the hill.", 8))), "to");
        Assert.True(many.Rows > 1);
        var outputs = generator.InterpolateMany([new MaterialInterpolation(one, many, new InterpolateOptions { Steps = 3 })])[0];
        Assert.Equal(3, outputs.Count);
        Assert.All(outputs, o => Assert.InRange(int.Parse(o.Properties[TextGenerator.TokensProperty]), 0, 38)); // one piece each
        var both = generator.InterpolateMany([new MaterialInterpolation(many, many, new InterpolateOptions { Steps = 2 })])[0];
        Assert.Equal(2, both.Count);
    }

    [Fact]
    public void Seeds_of_another_generator_and_bad_options_are_refused()
    {
        using var services = TinyTextRun.Services();
        var generator = TinyTextRun.Generator(services);
        Assert.Throws<ArgumentException>(() => generator.VaryMany([new MaterialVariation(new ForeignSeed(), new VaryOptions())]));
        var seed = generator.Prepare(Text("The old fox."), "seed");
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 0 })]));
        Assert.Empty(generator.VaryMany([]));
    }

    [Fact]
    public void A_language_model_samples_but_refuses_to_vary_or_interpolate()
    {
        using var services = TinyTextRun.Services();
        var model = services.GetRequiredService<ModelStore>().Get(TinyTextRun.LanguageModelDirectory);
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(model);
        var samples = generator.SampleMany([new SampleOptions { Count = 5, Rng = 3, Temperature = 0.8 }])[0];
        Assert.Equal(5, samples.Count);
        Assert.Equal(samples.Select(m => m.Text), generator.SampleMany([new SampleOptions { Count = 5, Rng = 3, Temperature = 0.8 }])[0].Select(m => m.Text));
        Assert.Contains(samples, s => !string.IsNullOrWhiteSpace(s.Text));

        var e = Assert.Throws<MaterialException>(() => generator.Prepare(Text("The red fox."), "seed"));
        Assert.Contains("language model (sentence-lm): it has no latent space to vary or interpolate in; use sample", e.Message);
        Assert.False(e.OverLimit);
        // Seeds prepared by the VAE's generator do not get through either.
        var seed = TinyTextRun.Generator(services).Prepare(Text("The red fox."), "seed");
        Assert.Throws<MaterialException>(() => generator.VaryMany([new MaterialVariation(seed, new VaryOptions())]));
        Assert.Throws<MaterialException>(() => generator.InterpolateMany([new MaterialInterpolation(seed, seed, new InterpolateOptions())]));
    }

    private sealed class ForeignSeed : PreparedSeed
    {
        public override int Rows => 1;
        public override long MaxOutputBytes => 0;
    }
}
