using System.Text.Json.Nodes;
using VaeCreative.Core.Serving;

namespace VaeCreative.Core.Training;

/// <summary>
/// How a modality's models are trained and evaluated: its data, its model shapes and its defaults. The generic
/// <see cref="TrainingRun"/> (used by <c>vaecreative train</c> and the host's training jobs) and <c>eval</c> do the rest.
/// </summary>
public interface ITrainingRecipe
{
    /// <summary>Optimiser defaults for this modality (<see cref="TrainerOptions"/>'s, with this modality's overrides).</summary>
    TrainerOptions Defaults { get; }

    /// <summary>What one example is called in messages and figures (<c>windows</c>, <c>snippets</c>).</summary>
    string ExampleNoun { get; }

    /// <summary>
    /// The attributes of this modality's examples that attribute vectors can steer (a melody's density, register, …),
    /// measured on the rows <see cref="Encode"/> gives and the model decodes; null for a modality that measures none.
    /// A training run computes their vectors into the model directory.
    /// </summary>
    Attributes.IAttributeMeasures? AttributeMeasures => null;

    /// <summary>
    /// Names of the model shapes <see cref="Shape"/> knows, in the order to list them: <c>default</c> (the bundled
    /// model's) and <c>small</c> (quick trials), then any of the modality's own (text's <c>lm</c>). <c>train --size</c>
    /// and the host's training jobs accept these.
    /// </summary>
    IReadOnlyList<string> Sizes { get; }

    /// <summary>The model shape named <paramref name="size"/> (one of <see cref="Sizes"/>); throws <see cref="ArgumentException"/> for other names.</summary>
    ModelShape Shape(string size);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (naming the option) when <paramref name="config"/>'s model or modality
    /// settings (<see cref="TrainingConfig.Settings"/>) are unknown or out of range — before any data is read, so the
    /// host can refuse a training job with a 400 rather than start one that fails.
    /// </summary>
    void CheckSettings(TrainingConfig config);

    /// <summary>
    /// Reads a training file or folder. <paramref name="validationFraction"/> of it is held out by a stable hash;
    /// <paramref name="augment"/> turns on training-time augmentation where the modality has one;
    /// <paramref name="settings"/> are the run's modality settings (<see cref="TrainingConfig.Settings"/>: how the data
    /// is read, e.g. images cut into tiles), null when none were given. Throws <see cref="TrainingDataException"/> when
    /// it gives nothing to train on.
    /// </summary>
    TrainingCorpus Load(string data, double validationFraction, bool augment, JsonObject? settings, Action<string> log);

    /// <summary>
    /// Builds the untrained model for <paramref name="config"/> and the tensors it trains on. The initial weights come
    /// from <see cref="TrainingConfig.Seed"/> alone: drawn from a generator of the model's own, or built with
    /// <see cref="Runtime.TorchRuntime.SeededBuild{T}"/> (never from a bare <c>manual_seed</c>, which other threads' draws disturb).
    /// May write files the model needs into <paramref name="outDir"/> (a tokenizer); a resumed run finds them there.
    /// </summary>
    TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log);

    /// <summary>
    /// Writes the files a model keeps beside its weights that come from its training data rather than from training
    /// (text's lexicon) into <paramref name="outDir"/>, replacing any there. <see cref="Prepare"/> writes them for every
    /// run; <c>train --resume</c> on a finished run calls this, so a model trained before such a file existed gains it
    /// without training again. The default writes nothing.
    /// </summary>
    void WriteDataFiles(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log) { }

    /// <summary>The corpus as <paramref name="model"/>'s input (for <c>eval</c>): its train and validation parts.</summary>
    (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus);
}
