using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Text.Corpus;
using VaeCreative.Text.Models;
using VaeCreative.Text.Spelling;
using VaeCreative.Text.Tokenization;

namespace VaeCreative.Text.Training;

/// <summary>
/// How text models are trained: snippets from plain-text or fortune files, a SentencePiece tokenizer trained on the
/// training snippets and stored beside the weights, and a <see cref="SentenceVae"/> (or, size <c>lm</c>, its
/// language-model baseline, a <see cref="SentenceLm"/>).
/// </summary>
public sealed class TextTrainingRecipe : ITrainingRecipe
{
    /// <summary>Training setting (and <c>--vocab-size</c>): the tokenizer's vocabulary size.</summary>
    public const string VocabularySizeSetting = "vocabularySize";

    /// <summary>Training setting (and <c>--max-tokens</c>): <see cref="SentenceVaeOptions.MaxTokens"/>.</summary>
    public const string MaxTokensSetting = "maxTokens";

    /// <summary>Training setting (and <c>--span-tokens</c>): <see cref="SentenceVaeOptions.SpanTokens"/> of a <see cref="SpanLatentVae"/>.</summary>
    public const string SpanTokensSetting = "spanTokens";

    /// <summary>Training setting (and <c>--prior-hidden</c>): <see cref="SentenceVaeOptions.PriorHidden"/> of a <see cref="SpanLatentVae"/>; 0 for N(0, I).</summary>
    public const string PriorHiddenSetting = "priorHidden";

    /// <summary>Training setting (and <c>--prior-components</c>): <see cref="SentenceVaeOptions.PriorComponents"/>, Gaussians in each span's learned prior.</summary>
    public const string PriorComponentsSetting = "priorComponents";

    /// <summary>Training setting (and <c>--word-dropout</c>): <see cref="SentenceVaeOptions.WordDropout"/>.</summary>
    public const string WordDropoutSetting = "wordDropout";

    /// <summary>
    /// Longest snippet read from a corpus, in characters; longer ones are cut at sentence ends. On the fortunes, with
    /// the default 8000-piece tokenizer (3.6 characters per token), snippets of at most 140 characters average 25
    /// tokens and 98% fit the default model's 46; at 160 characters 94% would.
    /// </summary>
    public const int MaxSnippetChars = 140;

    /// <summary>
    /// The text defaults, those of the bundled <c>text-flavour</c> model: β 0.2 throughout and no free bits, against the
    /// learned prior (<see cref="SentenceVaeOptions.PriorHidden"/>). A variation must keep its seed's words, so the codes
    /// must carry them, and a prior sample must read as a line, so the prior must be trained against the codes all the
    /// time. At β 1 the codes collapsed to about 1 nat within 200 steps (the decoder and the prior predict a line
    /// between them); at 0.2 they carry the words. Free bits would switch the KL, and with it the prior's training, off
    /// for lines under the budget. (The model before it kept N(0, I) with β 1 and 200 free bits; a sentence VAE's few
    /// free bits, with β annealed, had left a 7-nat code that carried no sentence.) Word dropout
    /// (<see cref="SentenceVaeOptions.WordDropout"/>) makes the decoder lean on the codes.
    /// </summary>
    public TrainerOptions Defaults { get; } = new()
    {
        Steps = 3000,
        BatchSize = 64,
        LearningRate = 1e-3,
        LearningRateDecay = 0.9999,
        Beta = new ConstantKl(0.2),
        FreeBits = 0,
        CheckpointEvery = 500,
        ValidateEvery = 1000,
    };

    /// <inheritdoc />
    public string ExampleNoun => "snippets";

    /// <summary>
    /// The bundled model's shape (<c>text-flavour</c>): a <see cref="SpanLatentVae"/> with one code of 8 per token and
    /// a learned prior of 256 units giving a mixture of 16 Gaussians for each code (<see cref="SpanPrior"/>; the pilots
    /// that chose it against one Gaussian are in bench/results/text-prior-pilots.json), a 16,000-piece tokenizer (most words one piece, so a code
    /// holds a word), GRU cells (three gates to the LSTM's four: more steps in the hour) and
    /// <see cref="SentenceVaeOptions"/>' sizes otherwise.
    /// </summary>
    public static SentenceVaeOptions DefaultShape { get; } = new()
    {
        VocabularySize = 16_000,
        SpanTokens = 1,
        LatentSize = 8,
        PriorHidden = 256,
        PriorComponents = 16,
        Cell = RecurrentCell.Gru,
    };

    /// <summary>A shape for quick trials: minutes on a laptop, useful for checking a corpus.</summary>
    public static SentenceVaeOptions SmallShape { get; } = DefaultShape with
    {
        VocabularySize = 2000,
        EmbeddingSize = 64,
        EncoderHidden = 64,
        DecoderHidden = 128,
        LatentSize = 4,
    };

    /// <summary>
    /// A <see cref="SentenceVae"/> (Bowman et al. 2016: one code per snippet) of <see cref="SentenceVaeOptions"/>'
    /// sizes (LSTM cells, an 8,000-piece tokenizer, z of 32), the shape of the earlier bundled <c>text-fortunes</c>.
    /// </summary>
    public static SentenceVaeOptions SentenceShape { get; } = new();

    /// <summary>Size preset of <see cref="SentenceShape"/>.</summary>
    public const string SentenceSize = "sentence";

    /// <summary>
    /// The language-model baseline of the bundled model (<c>--size lm</c>): <see cref="DefaultShape"/>'s decoder, word
    /// dropout and tokenizer without z (a <see cref="SentenceLm"/>; its latent size is 1 by definition, the encoder's
    /// size does not apply), to be trained with the same budget and compared on held-out NLL.
    /// </summary>
    public static SentenceVaeOptions LanguageModelShape { get; } = DefaultShape with { LatentSize = 1, SpanTokens = null, PriorHidden = null, PriorComponents = null };

    /// <summary>Size preset of <see cref="LanguageModelShape"/>.</summary>
    public const string LanguageModelSize = "lm";

    /// <inheritdoc />
    /// <remarks>
    /// <c>default</c> (<see cref="DefaultShape"/>), <c>small</c>, <c>sentence</c> (<see cref="SentenceShape"/>) and
    /// <c>lm</c> (<see cref="LanguageModelShape"/>).
    /// </remarks>
    public IReadOnlyList<string> Sizes { get; } = ["default", "small", SentenceSize, LanguageModelSize];

    /// <inheritdoc />
    public ModelShape Shape(string size) => size switch
    {
        "default" => new ModelShape(SpanLatentVae.KindName, ModelManifest.ToJsonObject(DefaultShape)),
        "small" => new ModelShape(SpanLatentVae.KindName, ModelManifest.ToJsonObject(SmallShape)),
        SentenceSize => new ModelShape(SentenceVae.KindName, ModelManifest.ToJsonObject(SentenceShape)),
        LanguageModelSize => new ModelShape(SentenceLm.KindName, ModelManifest.ToJsonObject(LanguageModelShape)),
        _ => throw new ArgumentException($"no text model size '{size}'; use {string.Join(", ", Sizes)}.", nameof(size)),
    };

    /// <inheritdoc />
    public void CheckSettings(TrainingConfig config) => VocabularySize(config, ModelOptions(config));

    /// <inheritdoc />
    /// <remarks>Text has no augmentation; <paramref name="augment"/> is ignored.</remarks>
    public TrainingCorpus Load(string data, double validationFraction, bool augment, JsonObject? settings, Action<string> log) =>
        TextCorpus.Load(data, validationFraction, MaxSnippetChars, log);

    /// <inheritdoc />
    /// <remarks>
    /// Trains the tokenizer on the training snippets (never the held-out ones) into <paramref name="outDir"/>. A run
    /// resumed from a checkpoint trains it again and requires the same bytes as the file already there (spm_train is
    /// deterministic for the same snippets and settings): a checkpoint's weights are only meaningful with the
    /// tokenizer they were trained with.
    /// </remarks>
    public TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
    {
        var text = AsText(corpus);
        var options = ModelOptions(config);
        // The kind and its settings are checked before the tokenizer is trained (which takes a while on a large corpus).
        Func<SentenceVaeOptions, TorchSharp.torch.Generator, ISentenceModel> create = config.ModelKind switch
        {
            SentenceVae.KindName => (o, g) => new SentenceVae(o, g),
            SentenceLm.KindName => (o, g) => new SentenceLm(o, g),
            SpanLatentVae.KindName => (o, g) => new SpanLatentVae(o, g),
            _ => throw new ArgumentException($"text trains {SpanLatentVae.KindName}, {SentenceVae.KindName} and {SentenceLm.KindName} models, not '{config.ModelKind}'."),
        };
        if (config.ModelKind == SentenceLm.KindName) SentenceLm.Check(options);
        if (config.ModelKind == SpanLatentVae.KindName) SpanLatentVae.Check(options);
        else if (options.SpanTokens is not null)
            throw new ArgumentException($"--span-tokens applies to a {SpanLatentVae.KindName} (--size default or small), not a {config.ModelKind}.");
        var requested = VocabularySize(config, options);
        WriteDataFiles(config, corpus, outDir, log);
        var tokenizerPath = Path.Combine(outDir, TextTokenizer.FileName);
        var tokenizer = PrepareTokenizer(text.Train, tokenizerPath, requested, outDir, log);
        options = (options with
        {
            VocabularySize = tokenizer.VocabularySize,
            PadId = tokenizer.PadId,
            BosId = tokenizer.BosId,
            EosId = tokenizer.EosId,
        }).Validate();
        using var initialization = new TorchSharp.torch.Generator(unchecked((ulong)config.Seed));
        var model = create(options, initialization);
        var train = TextDataset.Encode(text.Train, tokenizer, options);
        var validation = TextDataset.Encode(text.Validation, tokenizer, options);
        var skipped = train.Skipped + validation.Skipped;
        log(string.Create(CultureInfo.InvariantCulture,
            $"tokenised {train.Count:N0} training and {validation.Count:N0} held-out snippets, {train.Targets / (double)Math.Max(1, train.Count):F1} tokens each on average")
            + (skipped > 0 ? $"; {skipped:N0} longer than {options.MaxTokens - 2} tokens left out" : ""));
        return new TrainingPlan(model, train, validation, TextEncoding.Describe(tokenizerPath, options).ToJsonObject());
    }

    /// <inheritdoc />
    /// <remarks>
    /// The lexicon (<see cref="Lexicon"/>): the words of the training snippets (never the held-out ones) used at least
    /// <see cref="Lexicon.DefaultMinCount"/> times, which decoding may spell.
    /// </remarks>
    public void WriteDataFiles(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
    {
        var lexicon = Lexicon.FromText(AsText(corpus).Train);
        lexicon.Save(outDir);
        log(string.Create(CultureInfo.InvariantCulture,
            $"wrote {Lexicon.FileName}: {lexicon.Count:N0} words used at least {Lexicon.DefaultMinCount} times in the training snippets"));
    }

    /// <inheritdoc />
    public (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus)
    {
        var text = AsText(corpus);
        var options = model.Model is ISentenceModel sentence
            ? sentence.Settings
            : throw new ModelLoadException($"the model in '{model.Directory}' is a {model.Model.Kind}; text needs a {SpanLatentVae.KindName}, a {SentenceVae.KindName} or a {SentenceLm.KindName}.");
        var tokenizer = TextEncoding.LoadTokenizer(model.Manifest, model.Directory, options);
        return (TextDataset.Encode(text.Train, tokenizer, options), TextDataset.Encode(text.Validation, tokenizer, options));
    }

    /// <summary>The model settings of <paramref name="config"/> with its text settings (max tokens, word dropout) applied.</summary>
    internal static SentenceVaeOptions ModelOptions(TrainingConfig config)
    {
        SentenceVaeOptions options;
        try
        {
            options = ModelManifest.FromJsonObject<SentenceVaeOptions>(config.Model);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the text model settings are invalid: {e.Message.Split('\n')[0]}", e);
        }
        if (config.Settings is { } settings)
        {
            foreach (var (key, _) in settings)
                if (key is not (VocabularySizeSetting or MaxTokensSetting or WordDropoutSetting or SpanTokensSetting or PriorHiddenSetting or PriorComponentsSetting))
                    throw new ArgumentException($"unknown text training setting '{key}'; text takes {VocabularySizeSetting}, {MaxTokensSetting}, {WordDropoutSetting}, {SpanTokensSetting}, {PriorHiddenSetting} and {PriorComponentsSetting}.");
            if (Number(settings, MaxTokensSetting) is { } maxTokens)
                options = options with { MaxTokens = (int)Whole(maxTokens, "--max-tokens") };
            if (Number(settings, SpanTokensSetting) is { } spanTokens)
                options = options with { SpanTokens = (int)Whole(spanTokens, "--span-tokens") };
            if (Number(settings, PriorHiddenSetting) is { } priorHidden)
            {
                var width = Whole(priorHidden, "--prior-hidden");
                if (width is < 0 or > 8192)
                    throw new ArgumentOutOfRangeException("--prior-hidden", width, $"--prior-hidden must be between 0 (N(0, I)) and 8192; got {width}.");
                // Without a learned prior there are no components to mix (the shape's count goes with the prior).
                options = width > 0 ? options with { PriorHidden = (int)width } : options with { PriorHidden = null, PriorComponents = null };
            }
            if (Number(settings, PriorComponentsSetting) is { } priorComponents)
            {
                var count = Whole(priorComponents, "--prior-components");
                if (count is < 1 or > 256)
                    throw new ArgumentOutOfRangeException("--prior-components", count, $"--prior-components must be between 1 and 256; got {count}.");
                options = options with { PriorComponents = count > 1 ? (int)count : null };
            }
            if (Number(settings, WordDropoutSetting) is { } wordDropout)
                options = options with { WordDropout = wordDropout };
        }
        CheckSettings(options);
        return options;
    }

    /// <summary>The vocabulary size to train the tokenizer with: the setting, else the model settings'.</summary>
    internal static int VocabularySize(TrainingConfig config, SentenceVaeOptions options)
    {
        var size = config.Settings is { } s && Number(s, VocabularySizeSetting) is { } v ? (int)Whole(v, "--vocab-size") : options.VocabularySize;
        if (size is < TextTokenizer.MinVocabularySize or > TextTokenizer.MaxVocabularySize)
            throw new ArgumentOutOfRangeException("--vocab-size", size,
                $"--vocab-size must be between {TextTokenizer.MinVocabularySize} and {TextTokenizer.MaxVocabularySize}; got {size}.");
        return size;
    }

    private static void CheckSettings(SentenceVaeOptions options)
    {
        if (options.MaxTokens is < 3 or > 1024)
            throw new ArgumentOutOfRangeException("--max-tokens", options.MaxTokens, $"--max-tokens must be between 3 and 1024; got {options.MaxTokens}.");
        if (!(options.WordDropout is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException("--word-dropout", options.WordDropout, $"--word-dropout must be between 0 and 1; got {options.WordDropout}.");
        if (options.SpanTokens is < 1 or > 64)
            throw new ArgumentOutOfRangeException("--span-tokens", options.SpanTokens, $"--span-tokens must be between 1 and 64; got {options.SpanTokens}.");
        if (options.PriorHidden is not null && options.SpanTokens is null)
            throw new ArgumentException($"--prior-hidden applies to a {SpanLatentVae.KindName} (--size default or small).");
        if (options.PriorComponents is not null && options.PriorHidden is null)
            throw new ArgumentException("--prior-components needs a learned prior (--prior-hidden above 0).");
    }

    /// <summary>A setting given as a JSON number or as text (the CLI passes option values as text).</summary>
    private static double? Number(JsonObject settings, string key)
    {
        if (settings[key] is not JsonValue value) return null;
        // A node built in code holds a CLR int or double, a parsed one a JSON element: read both through their JSON text.
        var kind = value.GetValueKind();
        if (kind == JsonValueKind.Number) return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (kind == JsonValueKind.String && double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw new ArgumentException($"the text training setting {key} must be a number; got {value.ToJsonString()}.");
    }

    private static long Whole(double value, string option) =>
        value == Math.Floor(value) && Math.Abs(value) < int.MaxValue
            ? (long)value
            : throw new ArgumentException($"{option} must be a whole number; got {value.ToString(CultureInfo.InvariantCulture)}.");

    private static TextCorpus AsText(TrainingCorpus corpus) =>
        corpus as TextCorpus ?? throw new ArgumentException($"a text model trains on a text corpus, not {corpus.GetType().Name}.", nameof(corpus));

    private static TextTokenizer PrepareTokenizer(IReadOnlyList<string> snippets, string path, int vocabularySize, string outDir, Action<string> log)
    {
        if (!File.Exists(path) || !new CheckpointStore(outDir).Exists)
            return TextTokenizer.Train(snippets, path, vocabularySize, log);
        // Resuming: the checkpoint's weights belong to the tokenizer already there; check it is the one this run gives.
        var check = Directory.CreateTempSubdirectory("vaecreative-tokenizer-").FullName;
        try
        {
            var again = Path.Combine(check, TextTokenizer.FileName);
            TextTokenizer.Train(snippets, again, vocabularySize, _ => { });
            if (ModelDirectory.Sha256(again) != ModelDirectory.Sha256(path))
                throw new TrainingDataException(
                    $"{path} is not the tokenizer this run's data and settings give, so the checkpoint beside it cannot be continued; restore the file or train into an empty folder.");
            log($"resuming with the tokenizer in {path}");
            return TextTokenizer.Load(path);
        }
        finally
        {
            try { Directory.Delete(check, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
