using VaeCreative.Core.Attributes;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>How melody models are trained: 2-bar windows of a folder of MIDI files, transposed for augmentation.</summary>
public sealed class MelodyTrainingRecipe : ITrainingRecipe
{
    /// <summary>Largest transposition (semitones, either way) applied to training windows.</summary>
    public const int MaxTransposition = 5;

    /// <inheritdoc />
    /// <remarks>The bundled model's settings: TrainerOptions' defaults with 128 free bits (MusicVAE's free_bits for 2-bar melodies).</remarks>
    public TrainerOptions Defaults { get; } = new() { FreeBits = 128 };

    /// <inheritdoc />
    public string ExampleNoun => "windows";

    /// <inheritdoc />
    public IAttributeMeasures? AttributeMeasures { get; } = new MelodyAttributes();

    /// <inheritdoc />
    public IReadOnlyList<string> Sizes { get; } = ["default", "small"];

    /// <inheritdoc />
    public ModelShape Shape(string size) => size switch
    {
        "default" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(MelodyModality.DefaultModelOptions)),
        "small" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(MelodyModality.DefaultModelOptions with
        {
            EncoderHidden = 128, DecoderHidden = 128, DecoderLayers = 1, LatentSize = 32,
        })),
        _ => throw new ArgumentException($"size must be 'default' or 'small'; got '{size}'."),
    };

    /// <inheritdoc />
    public void CheckSettings(TrainingConfig config)
    {
        if (config.Settings is { Count: > 0 } settings)
            throw new ArgumentException($"melody training takes no modality settings; got {string.Join(", ", settings.Select(kv => kv.Key))}.");
    }

    /// <inheritdoc />
    public TrainingCorpus Load(string data, double validationFraction, bool augment, System.Text.Json.Nodes.JsonObject? settings, Action<string> log)
    {
        if (!Directory.Exists(data)) throw new TrainingDataException($"the training folder '{data}' does not exist (melody models train on a folder of MIDI files).");
        var corpus = MelodyCorpus.Load(data, validationFraction, augment ? MaxTransposition : 0);
        if (corpus.Files.Count == 0)
            throw new TrainingDataException(corpus.Failures.Count > 0
                ? $"none of the {corpus.Failures.Count} MIDI files in '{data}' has a usable melody (first: {corpus.Failures[0].Message})."
                : $"'{data}' holds no .mid or .midi files.");
        foreach (var folder in corpus.SkippedFolders.Take(5)) log($"skipped the folder {folder} (it cannot be read)");
        if (corpus.SkippedFolders.Count > 5) log($"… and {corpus.SkippedFolders.Count - 5} more folders skipped");
        foreach (var failure in corpus.Failures.Take(5)) log($"skipped {failure.Message}");
        if (corpus.Failures.Count > 5) log($"… and {corpus.Failures.Count - 5} more files skipped");
        return corpus;
    }

    /// <inheritdoc />
    public TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
    {
        var melodies = (MelodyCorpus)corpus;
        var options = Core.Checkpoints.ModelManifest.FromJsonObject<SequenceVaeOptions>(config.Model).Validate();
        if (options.VocabularySize != MelodyEncoding.Classes || options.SequenceLength != MelodyEncoding.WindowSteps)
            throw new ArgumentException($"melody models read {MelodyEncoding.Classes} classes in {MelodyEncoding.WindowSteps}-step windows.");
        return new TrainingPlan(new SequenceVae(options), melodies.Train, melodies.Validation, MelodyModality.EncodingJson());
    }

    /// <inheritdoc />
    public (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus)
    {
        MelodyModality.CheckCompatible(model.Manifest, model.Directory);
        var melodies = (MelodyCorpus)corpus;
        return (melodies.Train, melodies.Validation);
    }
}
