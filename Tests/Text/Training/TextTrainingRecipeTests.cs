using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Evaluation;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using VaeCreative.Text;
using VaeCreative.Text.Models;
using VaeCreative.Text.Spelling;
using VaeCreative.Text.Tokenization;
using VaeCreative.Text.Training;

namespace VaeCreative.Tests.Text.Training;

public class TextTrainingRecipeTests
{
    private readonly TextTrainingRecipe recipe = new();

    [Fact]
    public void A_run_writes_a_text_model_whose_manifest_names_its_tokenizer()
    {
        var dir = TinyTextRun.ModelDirectory;
        var manifest = ModelDirectory.ReadManifest(dir, TextModality.ModalityName);
        Assert.Equal(SentenceVae.KindName, manifest.ModelKind);
        var encoding = ModelManifest.FromJsonObject<TextEncoding>(manifest.Encoding);
        var tokenizer = TextTokenizer.Load(Path.Combine(dir, encoding.Tokenizer));
        Assert.Equal(TextTokenizer.FileName, encoding.Tokenizer);
        Assert.Equal(ModelDirectory.Sha256(Path.Combine(dir, TextTokenizer.FileName)), encoding.TokenizerSha256);
        Assert.Equal("NFC", encoding.Normalization);
        Assert.Equal((tokenizer.VocabularySize, tokenizer.PadId, tokenizer.BosId, tokenizer.EosId, 40),
            (encoding.VocabularySize, encoding.PadId, encoding.BosId, encoding.EosId, encoding.MaxTokens));
        var options = ModelManifest.FromJsonObject<SentenceVaeOptions>(manifest.Model);
        Assert.Equal(tokenizer.VocabularySize, options.VocabularySize);
        Assert.InRange(options.VocabularySize, 261, 300);
        Assert.Equal(40, options.MaxTokens);
        Assert.Contains(TinyTextRun.Log, l => l.StartsWith("tokenised ", StringComparison.Ordinal) && !l.Contains("left out"));
        Assert.InRange(manifest.Metrics!["snippets"]!.GetValue<int>(), 1, 40); // the held-out share of 80 sentences
        Assert.InRange(manifest.Metrics["accuracyTeacherForced"]!.GetValue<double>(), 0.3, 1.0); // learnt something in 150 steps
    }

    [Fact]
    public void A_run_writes_the_lexicon_of_its_training_words_and_opening_the_model_spells_with_it()
    {
        var dir = TinyTextRun.SpanModelDirectory;
        var lexicon = Lexicon.Load(dir);
        Assert.NotNull(lexicon);
        Assert.InRange(lexicon.Count, 10, 200);
        Assert.All(lexicon.Words, w => Assert.Equal(w, Lexicon.Fold(w)));
        Assert.Contains(TinyTextRun.Sentences.SelectMany(s => VaeCreative.Text.Evaluation.WordList.Words(s)).Select(Lexicon.Fold)
            .GroupBy(w => w).OrderByDescending(g => g.Count()).First().Key, lexicon.Words);

        using var services = TinyTextRun.Services();
        var model = services.GetRequiredService<ModelStore>().Get(dir);
        var sentence = (ISentenceModel)model.Model;
        services.GetRequiredService<VaeCreative.Core.Modalities.ModalityRegistry>().Generator(model);
        Assert.NotNull(sentence.Spelling);
        Assert.Equal(lexicon.Words, sentence.Spelling.Lexicon.Words);
    }

    [Fact]
    public void A_resumed_run_ends_where_an_uninterrupted_one_does()
    {
        using var temp = new TempDir();
        var data = TinyTextRun.Corpus();
        var straight = Path.Combine(temp.Path, "straight");
        var resumed = Path.Combine(temp.Path, "resumed");
        TinyTextRun.Train(TinyTextRun.Config(data, steps: 30), straight);
        TinyTextRun.Train(TinyTextRun.Config(data, steps: 20), resumed);
        var log = new List<string>();
        TinyTextRun.Train(TinyTextRun.Config(data, steps: 30), resumed, resume: true, log);
        Assert.Contains(log, l => l.StartsWith("resuming with the tokenizer", StringComparison.Ordinal));
        TrainingRuns.AssertSameRun(straight, resumed);
    }

    [Fact]
    public void A_run_is_not_resumed_with_another_tokenizer()
    {
        using var temp = new TempDir();
        var data = TinyTextRun.Corpus();
        TinyTextRun.Train(TinyTextRun.Config(data, steps: 20), temp.Path);
        var other = Path.Combine(temp.Path, "other-corpus.txt");
        File.WriteAllLines(other, TinyTextRun.Sentences.Select(s => s.ToUpperInvariant()));
        TextTokenizer.Train(File.ReadAllLines(other), Path.Combine(temp.Path, TextTokenizer.FileName), 300, _ => { });
        var e = Assert.Throws<TrainingDataException>(() => TinyTextRun.Train(TinyTextRun.Config(data, steps: 30), temp.Path, resume: true));
        Assert.Contains("is not the tokenizer this run's data and settings give", e.Message);
    }

    [Fact]
    public void Text_settings_override_the_model_settings_and_are_checked()
    {
        var config = TinyTextRun.Config("unused") with
        {
            Settings = new JsonObject { ["vocabularySize"] = "500", ["maxTokens"] = "32", ["wordDropout"] = 0.4 },
        };
        var options = TextTrainingRecipe.ModelOptions(config);
        Assert.Equal((32, 0.4), (options.MaxTokens, options.WordDropout));
        Assert.Equal(500, TextTrainingRecipe.VocabularySize(config, options));
        Assert.Equal(8000, TextTrainingRecipe.VocabularySize(config with { Settings = null }, options)); // the sentence shape's

        ArgumentException Refused(JsonObject settings) =>
            Assert.ThrowsAny<ArgumentException>(() =>
            {
                var c = config with { Settings = settings };
                TextTrainingRecipe.VocabularySize(c, TextTrainingRecipe.ModelOptions(c));
            });
        Assert.Contains("unknown text training setting 'vocab'", Refused(new JsonObject { ["vocab"] = 300 }).Message);
        Assert.Contains("--vocab-size must be between 300 and 32000", Refused(new JsonObject { ["vocabularySize"] = 100 }).Message);
        Assert.Contains("--max-tokens must be a whole number", Refused(new JsonObject { ["maxTokens"] = "20.5" }).Message);
        Assert.Contains("--max-tokens must be between 3 and 1024", Refused(new JsonObject { ["maxTokens"] = 2 }).Message);
        Assert.Contains("--word-dropout must be between 0 and 1", Refused(new JsonObject { ["wordDropout"] = "1.5" }).Message);
        Assert.Contains("must be a number", Refused(new JsonObject { ["wordDropout"] = "lots" }).Message);
        Assert.Contains("--prior-hidden applies to a span-latent-vae", Refused(new JsonObject { ["priorHidden"] = 16 }).Message);
        Assert.Contains("--prior-hidden must be between 0 (N(0, I)) and 8192", Refused(new JsonObject { ["spanTokens"] = 1, ["priorHidden"] = -1 }).Message);

        var span = config with { Settings = new JsonObject { ["spanTokens"] = "1", ["priorHidden"] = "64" } };
        Assert.Equal(64, TextTrainingRecipe.ModelOptions(span).PriorHidden);
        var standard = config with { Settings = new JsonObject { ["spanTokens"] = "1", ["priorHidden"] = "0" } };
        Assert.Null(TextTrainingRecipe.ModelOptions(standard).PriorHidden);
        Assert.Null(TextTrainingRecipe.ModelOptions(standard).PriorComponents);

        Assert.Contains("--prior-components must be between 1 and 256", Refused(new JsonObject { ["spanTokens"] = 1, ["priorHidden"] = 8, ["priorComponents"] = 0 }).Message);
        Assert.Contains("--prior-components needs a learned prior", Refused(new JsonObject { ["spanTokens"] = 1, ["priorHidden"] = 0, ["priorComponents"] = 4 }).Message);
        var mixture = config with { Settings = new JsonObject { ["spanTokens"] = "1", ["priorHidden"] = "64", ["priorComponents"] = "4" } };
        Assert.Equal(4, TextTrainingRecipe.ModelOptions(mixture).PriorComponents);
        var single = config with { Settings = new JsonObject { ["spanTokens"] = "1", ["priorHidden"] = "64", ["priorComponents"] = "1" } };
        Assert.Null(TextTrainingRecipe.ModelOptions(single).PriorComponents); // 1 is one Gaussian, as manifests without the key
    }

    [Fact]
    public void Shapes_and_defaults_are_valid_and_named()
    {
        Assert.Equal(["default", "small", "sentence", "lm"], recipe.Sizes);
        foreach (var size in recipe.Sizes)
        {
            var shape = recipe.Shape(size);
            Assert.Equal(size switch { "lm" => SentenceLm.KindName, "sentence" => SentenceVae.KindName, _ => SpanLatentVae.KindName }, shape.Kind);
            ModelManifest.FromJsonObject<SentenceVaeOptions>(shape.Settings).Validate();
        }
        Assert.Equal(TextTrainingRecipe.DefaultShape, ModelManifest.FromJsonObject<SentenceVaeOptions>(recipe.Shape("default").Settings));
        // The language model is the default shape's decoder without z.
        Assert.Equal(TextTrainingRecipe.DefaultShape with { LatentSize = 1, SpanTokens = null, PriorHidden = null, PriorComponents = null }, ModelManifest.FromJsonObject<SentenceVaeOptions>(recipe.Shape("lm").Settings));
        Assert.Contains("use default, small, sentence, lm", Assert.Throws<ArgumentException>(() => recipe.Shape("huge")).Message);
        recipe.Defaults.Validate();
        Assert.IsType<ConstantKl>(recipe.Defaults.Beta);
        // The learned prior trains through the KL at every step: free bits would switch it off for lines under the budget.
        Assert.NotNull(TextTrainingRecipe.DefaultShape.PriorHidden);
        Assert.Equal(0, recipe.Defaults.FreeBits);
        Assert.Equal(0.2, recipe.Defaults.Beta.Beta(0));
        Assert.Equal("snippets", recipe.ExampleNoun);
        Assert.Equal(TextTrainingRecipe.DefaultShape.MaxTokens, TextTrainingRecipe.SmallShape.MaxTokens);
    }

    [Fact]
    public void The_lm_size_trains_the_vae_s_decoder_without_z_and_eval_sees_no_latent_information()
    {
        var dir = TinyTextRun.LanguageModelDirectory;
        var manifest = ModelDirectory.ReadManifest(dir, TextModality.ModalityName);
        Assert.Equal(SentenceLm.KindName, manifest.ModelKind);
        var options = ModelManifest.FromJsonObject<SentenceVaeOptions>(manifest.Model);
        var vae = ModelManifest.FromJsonObject<SentenceVaeOptions>(ModelDirectory.ReadManifest(TinyTextRun.ModelDirectory).Model);
        // The same decoder sizes, tokenizer ids, length and word dropout as the VAE trained on the same data.
        Assert.Equal(vae with { LatentSize = 1, EncoderHidden = options.EncoderHidden }, options);
        Assert.Equal(0.0, manifest.Metrics!["klNats"]!.GetValue<double>());
        Assert.InRange(manifest.Metrics["accuracyTeacherForced"]!.GetValue<double>(), 0.3, 1.0); // learnt something in 150 steps

        using var services = TinyTextRun.Services();
        var model = services.GetRequiredService<ModelStore>().Get(dir);
        Assert.IsType<SentenceLm>(model.Model);
        var (_, validation) = recipe.Encode(model, recipe.Load(TinyTextRun.Corpus(), 0.1, augment: false, null, _ => { }));
        var result = LatentEvaluation.Run(model.Model, validation, model.Engine.Device, new LatentEvaluationOptions { ImportanceSamples = 3 });
        Assert.Equal(0.0, result.KlNats);
        Assert.Equal(0, result.ActiveUnits);
        Assert.Equal(result.ElboNats, result.NllNats, 1e-6 * result.NllNats);
    }

    [Fact]
    public void A_language_model_with_a_latent_size_or_an_unknown_kind_is_refused_before_the_tokenizer_is_trained()
    {
        using var temp = new TempDir();
        var config = TinyTextRun.LanguageModelConfig(TinyTextRun.Corpus());
        var corpus = recipe.Load(config.Data, 0.1, augment: false, null, _ => { });
        var latent = config with { Model = (JsonObject)config.Model.DeepClone() };
        latent.Model["latentSize"] = 4;
        Assert.Contains("has no latent code; its latent size (of the uninformative posterior eval sees) must be 1, not 4",
            Assert.Throws<ArgumentException>(() => recipe.Prepare(latent, corpus, temp.Path, _ => { })).Message);
        Assert.Contains("text trains span-latent-vae, sentence-vae and sentence-lm models, not 'sequence-vae'",
            Assert.Throws<ArgumentException>(() => recipe.Prepare(config with { ModelKind = "sequence-vae" }, corpus, temp.Path, _ => { })).Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Encode_reads_a_corpus_with_the_model_s_own_tokenizer()
    {
        using var services = TinyTextRun.Services();
        var model = services.GetRequiredService<ModelStore>().Get(TinyTextRun.ModelDirectory);
        var corpus = recipe.Load(TinyTextRun.Corpus(), 0.1, augment: false, null, _ => { });
        var (train, validation) = recipe.Encode(model, corpus);
        Assert.True(train.Count > 0 && validation.Count > 0);
        var evaluation = Trainer.Evaluate(model.Model, validation, 16, 10, model.Engine.Device);
        Assert.True(evaluation.ReconstructionNats > 0);
    }
}
