using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Attributes;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
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
    /// <remarks>
    /// <c>flat16</c> and <c>hier16</c> are 16-bar models of about the same size (4.4 million parameters each): a
    /// flat sequence VAE over 256 steps, and a hierarchical one whose conductor gives each bar an embedding (MusicVAE's
    /// flat and hierdec 16-bar melody models, sized for this machine; the hierarchical one encodes bar by bar). The
    /// flat one is the default 2-bar model's shape over 256 steps, so both can start from a trained 2-bar model
    /// (<c>train --warm-start</c>): all of it for the flat one, the bottom decoder for the hierarchical one.
    /// </remarks>
    public IReadOnlyList<string> Sizes { get; } = ["default", "small", "flat16", "hier16"];

    /// <inheritdoc />
    public ModelShape Shape(string size) => size switch
    {
        "default" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(MelodyModality.DefaultModelOptions)),
        "small" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(MelodyModality.DefaultModelOptions with
        {
            EncoderHidden = 128, DecoderHidden = 128, DecoderLayers = 1, LatentSize = 32,
        })),
        "flat16" => new(SequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(MelodyModality.DefaultModelOptions with
        {
            SequenceLength = MelodyModality.SixteenBarWindowSteps,
        })),
        "hier16" => new(HierarchicalSequenceVae.KindName, Core.Checkpoints.ModelManifest.ToJsonObject(new HierarchicalSequenceVaeOptions
        {
            VocabularySize = MelodyEncoding.Classes, Segments = 16, SegmentLength = MelodyEncoding.StepsPerBar,
        })),
        _ => throw new ArgumentException($"size must be one of {string.Join(", ", Sizes)}; got '{size}'."),
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
        MidiCorpusFolder.LogSkipped(corpus.SkippedFolders, corpus.Failures, log);
        return corpus;
    }

    /// <inheritdoc />
    public TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
    {
        IVaeModel model;
        int windowSteps;
        if (config.ModelKind == HierarchicalSequenceVae.KindName)
        {
            var options = Core.Checkpoints.ModelManifest.FromJsonObject<HierarchicalSequenceVaeOptions>(config.Model).Validate();
            if (options.VocabularySize != MelodyEncoding.Classes || options.SequenceLength != MelodyModality.SixteenBarWindowSteps)
                throw new ArgumentException($"hierarchical melody models read {MelodyEncoding.Classes} classes in {MelodyModality.SixteenBarWindowSteps}-step windows.");
            (model, windowSteps) = (TorchRuntime.SeededBuild(config.Seed, () => new HierarchicalSequenceVae(options)), options.SequenceLength);
        }
        else
        {
            var options = Core.Checkpoints.ModelManifest.FromJsonObject<SequenceVaeOptions>(config.Model).Validate();
            if (options.VocabularySize != MelodyEncoding.Classes || options.SequenceLength is not (MelodyEncoding.WindowSteps or MelodyModality.SixteenBarWindowSteps))
                throw new ArgumentException($"melody models read {MelodyEncoding.Classes} classes in {MelodyEncoding.WindowSteps}- or {MelodyModality.SixteenBarWindowSteps}-step windows.");
            (model, windowSteps) = (TorchRuntime.SeededBuild(config.Seed, () => new SequenceVae(options)), options.SequenceLength);
        }
        var melodies = ((MelodyCorpus)corpus).WithWindows(windowSteps);
        if (windowSteps != MelodyEncoding.WindowSteps) log($"{windowSteps}-step windows: {melodies.Summary}");
        return new TrainingPlan(model, melodies.Train, melodies.Validation, MelodyModality.EncodingJson(windowSteps), melodies);
    }

    /// <inheritdoc />
    public (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus)
    {
        var melodies = ((MelodyCorpus)corpus).WithWindows(MelodyModality.WindowSteps(model.Manifest, model.Directory));
        return (melodies.Train, melodies.Validation);
    }
}
