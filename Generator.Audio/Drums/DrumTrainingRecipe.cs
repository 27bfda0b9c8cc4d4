using System.Text.Json.Nodes;
using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Drums;

/// <summary>How drum models are trained: 2-bar windows of the drum parts of a folder of MIDI files (e.g. <c>scripts/mma-grooves.sh</c>'s).</summary>
public sealed class DrumTrainingRecipe : ITrainingRecipe
{
    /// <inheritdoc />
    /// <remarks>TrainerOptions' defaults with 48 free bits (MusicVAE's free_bits for its 2-bar drum models).</remarks>
    public TrainerOptions Defaults { get; } = new() { FreeBits = 48 };

    /// <inheritdoc />
    public string ExampleNoun => "windows";

    /// <inheritdoc />
    public IReadOnlyList<string> Sizes { get; } = ["default", "small"];

    /// <inheritdoc />
    public ModelShape Shape(string size) => size switch
    {
        "default" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(DrumModality.DefaultModelOptions)),
        "small" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(DrumModality.DefaultModelOptions with
        {
            EncoderHidden = 128, DecoderHidden = 128, DecoderLayers = 1, LatentSize = 32,
        })),
        _ => throw new ArgumentException($"size must be 'default' or 'small'; got '{size}'."),
    };

    /// <inheritdoc />
    public void CheckSettings(TrainingConfig config)
    {
        if (config.Settings is { Count: > 0 } settings)
            throw new ArgumentException($"drum training takes no modality settings; got {string.Join(", ", settings.Select(kv => kv.Key))}.");
    }

    /// <inheritdoc />
    public TrainingCorpus Load(string data, double validationFraction, bool augment, JsonObject? settings, Action<string> log)
    {
        if (!Directory.Exists(data)) throw new TrainingDataException($"the training folder '{data}' does not exist (drum models train on a folder of MIDI files with drums on channel 10).");
        var corpus = DrumCorpus.Load(data, validationFraction);
        if (corpus.Files.Count == 0)
            throw new TrainingDataException(corpus.Failures.Count > 0
                ? $"none of the {corpus.Failures.Count} MIDI files in '{data}' has drums (first: {corpus.Failures[0].Message})."
                : $"'{data}' holds no .mid or .midi files.");
        MidiCorpusFolder.LogSkipped(corpus.SkippedFolders, corpus.Failures, log);
        return corpus;
    }

    /// <inheritdoc />
    public TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
    {
        var drums = (DrumCorpus)corpus;
        var options = Core.Checkpoints.ModelManifest.FromJsonObject<SequenceVaeOptions>(config.Model).Validate();
        if (options.VocabularySize != DrumEncoding.Classes || options.SequenceLength != DrumEncoding.WindowSteps)
            throw new ArgumentException($"drum models read {DrumEncoding.Classes} classes in {DrumEncoding.WindowSteps}-step windows.");
        return new TrainingPlan(TorchRuntime.SeededBuild(config.Seed, () => new SequenceVae(options)), drums.Train, drums.Validation, DrumModality.EncodingJson());
    }

    /// <inheritdoc />
    public (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus)
    {
        DrumModality.CheckCompatible(model.Manifest, model.Directory);
        var drums = (DrumCorpus)corpus;
        return (drums.Train, drums.Validation);
    }
}
