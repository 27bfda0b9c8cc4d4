using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using VaeCreative.Text;
using VaeCreative.Text.Training;

namespace VaeCreative.Tests.Text.Training;

/// <summary>
/// A tiny text model trained once per test process with the real recipe and <see cref="TrainingRun"/> (150
/// steps on a generated corpus of short sentences), and helpers to train more.
/// </summary>
public static class TinyTextRun
{
    private static readonly Lazy<string> Folder = new(() => ProcessTempDir.Create("tiny-text"));

    private static readonly Lazy<string> Trained = new(() =>
    {
        var dir = Path.Combine(Folder.Value, "model");
        Train(Config(Corpus()), dir, log: SharedLog);
        return dir;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> TrainedLanguageModel = new(() =>
    {
        var dir = Path.Combine(Folder.Value, "language-model");
        Train(LanguageModelConfig(Corpus()), dir);
        return dir;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> TrainedSpanModel = new(() =>
    {
        var dir = Path.Combine(Folder.Value, "span-model");
        Train(SpanConfig(Corpus()), dir);
        return dir;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly List<string> SharedLog = [];

    /// <summary>The log of the shared tiny model's training run.</summary>
    public static IReadOnlyList<string> Log
    {
        get
        {
            _ = Trained.Value;
            return SharedLog;
        }
    }

    /// <summary>Directory of the shared tiny model (trained on first use).</summary>
    public static string ModelDirectory => Trained.Value;

    /// <summary>Directory of a tiny language model (<c>--size lm</c>) trained like the shared VAE (on first use).</summary>
    public static string LanguageModelDirectory => TrainedLanguageModel.Value;

    /// <summary>Directory of a tiny span-latent VAE (<c>--size span</c>) trained like the shared VAE (on first use).</summary>
    public static string SpanModelDirectory => TrainedSpanModel.Value;

    /// <summary>Sentences the tiny model trains on: "the red fox runs over the hill." and the like (one per line).</summary>
    public static IReadOnlyList<string> Sentences { get; } = MakeSentences();

    /// <summary>Writes <see cref="Sentences"/> to a corpus file in the shared folder and returns its path.</summary>
    public static string Corpus()
    {
        var path = Path.Combine(Folder.Value, "corpus.txt");
        lock (Sentences)
            if (!File.Exists(path)) File.WriteAllLines(path, Sentences);
        return path;
    }

    /// <summary>A run of a tiny sentence VAE (40 tokens wide, 300-piece vocabulary) over <paramref name="data"/>.</summary>
    public static TrainingConfig Config(string data, long steps = 150)
    {
        var recipe = new TextTrainingRecipe();
        var shape = recipe.Shape(TextTrainingRecipe.SentenceSize);
        var model = (JsonObject)shape.Settings.DeepClone();
        model["embeddingSize"] = 16;
        model["encoderHidden"] = 16;
        model["decoderHidden"] = 32;
        model["latentSize"] = 4;
        return TrainingConfig.From(TextModality.ModalityName, shape with { Settings = model }, recipe.Defaults) with
        {
            Data = data,
            Steps = steps,
            BatchSize = 16,
            LearningRate = 0.01,
            Beta = "constant:0.1",
            FreeBits = 0,
            CheckpointEvery = 20,
            ValidateEvery = 0,
            Settings = new JsonObject { [TextTrainingRecipe.VocabularySizeSetting] = "300", [TextTrainingRecipe.MaxTokensSetting] = 40 },
        };
    }

    /// <summary>The language-model baseline (<c>lm</c> size) of <see cref="Config"/>: its decoder and settings, without z.</summary>
    public static TrainingConfig LanguageModelConfig(string data, long steps = 150)
    {
        var recipe = new TextTrainingRecipe();
        var vae = Config(data, steps);
        var shape = recipe.Shape(TextTrainingRecipe.LanguageModelSize);
        var model = (JsonObject)shape.Settings.DeepClone();
        foreach (var key in new[] { "embeddingSize", "decoderHidden", "cell" }) model[key] = vae.Model[key]!.DeepClone();
        return vae with { ModelKind = shape.Kind, Model = model };
    }

    /// <summary>The span-latent VAE (the <c>default</c> size's kind) of <see cref="Config"/>: its sizes, one code of 2 per token.</summary>
    public static TrainingConfig SpanConfig(string data, long steps = 150)
    {
        var recipe = new TextTrainingRecipe();
        var vae = Config(data, steps);
        var shape = recipe.Shape("default");
        var model = (JsonObject)shape.Settings.DeepClone();
        foreach (var key in new[] { "embeddingSize", "encoderHidden", "decoderHidden" }) model[key] = vae.Model[key]!.DeepClone();
        model["latentSize"] = 2;
        return vae with { ModelKind = shape.Kind, Model = model };
    }

    /// <summary>Trains <paramref name="config"/> into <paramref name="dir"/> (one thread) and writes the model.</summary>
    public static JsonObject Train(TrainingConfig config, string dir, bool resume = false, List<string>? log = null)
    {
        var recipe = new TextTrainingRecipe();
        Action<string> write = log is null ? _ => { } : log.Add;
        var corpus = TrainingRun.LoadCorpus(config, recipe, write);
        using var run = TrainingRun.Start(config, recipe, TestModelKinds.All, corpus, dir, threads: 1, write);
        var result = run.Train(resume, null, CancellationToken.None);
        return run.Finish(result, write);
    }

    /// <summary>A service provider with the text modality over <paramref name="modelsDirectory"/>.</summary>
    public static ServiceProvider Services(string? modelsDirectory = null) =>
        new ServiceCollection().AddVaeCreative(modelsDirectory ?? Folder.Value, b => b.AddText()).BuildServiceProvider();

    /// <summary>The generator of the shared tiny model, from <paramref name="services"/>.</summary>
    public static IMaterialGenerator Generator(ServiceProvider services)
    {
        var model = services.GetRequiredService<ModelStore>().Get(ModelDirectory);
        return services.GetRequiredService<ModalityRegistry>().Generator(model);
    }

    private static List<string> MakeSentences()
    {
        string[] adjectives = ["red", "old", "quiet", "tattered", "bright"];
        string[] nouns = ["fox", "banner", "river", "lantern"];
        string[] verbs = ["runs", "flaps", "shines", "waits"];
        string[] places = ["the hill", "the gate", "the old town", "the dark sea"];
        var sentences = new List<string>();
        for (var i = 0; i < 120; i++)
            sentences.Add($"The {adjectives[i % 5]} {nouns[i / 5 % 4]} {verbs[i / 20 % 4]} over {places[(i * 7) % 4]}.");
        return sentences.Distinct().ToList();
    }
}
