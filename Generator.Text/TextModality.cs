using System.Globalization;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Text.Generation;
using VaeCreative.Text.Models;
using VaeCreative.Text.Snippets;
using VaeCreative.Text.Training;

namespace VaeCreative.Text;

/// <summary>
/// Text snippets (flavour text, one-liners): seeds are UTF-8 text, one snippet per line in a file; models are
/// <see cref="SentenceVae"/>s (or their language-model baselines, <see cref="SentenceLm"/>s) with a tokenizer stored
/// beside the weights.
/// </summary>
public sealed class TextModality : IModality
{
    /// <summary>The modality's name in manifests and on the command line.</summary>
    public const string ModalityName = "text";

    /// <summary>Largest seed file read: room for many snippets, and a bound on what one option can make the CLI read.</summary>
    public const int MaxSeedFileBytes = 4 << 20;

    /// <inheritdoc />
    public string Name => ModalityName;

    /// <inheritdoc />
    public string DefaultModelId => "text-flavour";

    /// <inheritdoc />
    public IReadOnlyList<MaterialFormat> Formats { get; } = [new MaterialFormat(MediaTypes.PlainText, [".txt"])];

    /// <inheritdoc />
    public IReadOnlyList<ModalityOption> Options { get; } =
    [
        new("--vocab-size", TextTrainingRecipe.VocabularySizeSetting,
            $"Tokenizer vocabulary size (pieces). Default {TextTrainingRecipe.DefaultShape.VocabularySize}. Range {Tokenization.TextTokenizer.MinVocabularySize}–{Tokenization.TextTokenizer.MaxVocabularySize}.",
            ModalityCommands.Train),
        new("--max-tokens", TextTrainingRecipe.MaxTokensSetting,
            $"Longest snippet in tokens, beginning and end included; longer training snippets are left out. Default {TextTrainingRecipe.DefaultShape.MaxTokens}. Range 3–1024.",
            ModalityCommands.Train),
        new("--word-dropout", TextTrainingRecipe.WordDropoutSetting,
            string.Create(CultureInfo.InvariantCulture, $"Share of decoder input tokens masked in training, so the model relies on z. Default {TextTrainingRecipe.DefaultShape.WordDropout}. Range 0–1."),
            ModalityCommands.Train),
        new("--span-tokens", TextTrainingRecipe.SpanTokensSetting,
            $"Tokens per latent code of a {SpanLatentVae.KindName} (sizes default and small; --latent is the size of each code). Default {TextTrainingRecipe.DefaultShape.SpanTokens}. Range 1–64.",
            ModalityCommands.Train),
        new("--prior-hidden", TextTrainingRecipe.PriorHiddenSetting,
            $"Width of the learned prior of a {SpanLatentVae.KindName}: one layer over the decoder's state and the token before each span gives that span's prior; 0 for N(0, I). Default {TextTrainingRecipe.DefaultShape.PriorHidden ?? 0}. Range 0–8192.",
            ModalityCommands.Train),
        new("--prior-components", TextTrainingRecipe.PriorComponentsSetting,
            $"Gaussians in each span's learned prior: 1 for one Gaussian, more for a mixture that can put its mass on several words. Default {TextTrainingRecipe.DefaultShape.PriorComponents ?? 1}. Range 1–256.",
            ModalityCommands.Train),
    ];

    /// <inheritdoc />
    public ITrainingRecipe Training { get; } = new TextTrainingRecipe();

    /// <inheritdoc />
    /// <remarks>chrF to the seed, and words from the dictionary (<see cref="Evaluation.WordList.DefaultPath"/>) or the seed.</remarks>
    public Core.Evaluation.IVariationMeasures VariationMeasures() => new Evaluation.TextVariationMeasures(Evaluation.WordList.Load());

    /// <inheritdoc />
    /// <remarks>
    /// The file must be UTF-8; each line that is not blank is one seed, checked as a snippet (the error names the
    /// line). Text takes no reading properties.
    /// </remarks>
    public IReadOnlyList<Material> ReadSeedFile(string path, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (properties is { Count: > 0 })
            throw new TextReadException($"text seed files take no reading options; got '{properties.Keys.First()}'.");
        var name = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new TextReadException($"'{path}' does not exist.");
            if (info.Length > MaxSeedFileBytes)
                throw new TextReadException($"'{name}' is {info.Length:N0} bytes; a seed file may be at most {MaxSeedFileBytes:N0} bytes.", overLimit: true);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TextReadException($"'{path}' cannot be read: {e.Message}", inner: e);
        }
        var text = SnippetText.DecodeUtf8(bytes, name);
        var seeds = new List<Material>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var line = (i + 1).ToString(CultureInfo.InvariantCulture);
            seeds.Add(Material.FromText(SnippetText.Check(lines[i].Trim(), $"{name}, line {line}"),
                new Dictionary<string, string>(StringComparer.Ordinal) { ["line"] = line }));
        }
        if (seeds.Count == 0)
            throw new TextReadException(bytes.Length == 0 ? $"'{name}' is empty." : $"'{name}' has no text: every line is blank.");
        return seeds;
    }

    /// <inheritdoc />
    public IMaterialGenerator Open(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Manifest.Modality != ModalityName)
            throw new ModelLoadException($"the model in '{model.Directory}' is a {model.Manifest.Modality} model, not a text model.");
        if (model.Model is not ISentenceModel sentence || model.Manifest.ModelKind != model.Model.Kind)
            throw new ModelLoadException(
                $"the text model in '{model.Directory}' is a {model.Manifest.ModelKind}; this build generates text with a {SpanLatentVae.KindName}, a {SentenceVae.KindName} or a {SentenceLm.KindName}.");
        var tokenizer = TextEncoding.LoadTokenizer(model.Manifest, model.Directory, sentence.Settings);
        if (sentence.Spelling is null && Spelling.Lexicon.Load(model.Directory) is { } lexicon)
            sentence.Spelling = new Spelling.SpellingConstraint(tokenizer, lexicon);
        return new TextGenerator(model, tokenizer);
    }
}
