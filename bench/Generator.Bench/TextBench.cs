using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.PyBridge;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using VaeCreative.Text;
using VaeCreative.Text.Corpus;
using VaeCreative.Text.Models;
using VaeCreative.Text.Tokenization;
using VaeCreative.Text.Training;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// The text phases of the benchmark (bench/run.sh; the PyTorch side is bench/reference/bench.py's text-* phases with
/// bench/reference/text_vae.py). The model is a <see cref="SentenceVae"/> or a <see cref="SpanLatentVae"/> (the twin is
/// picked by the manifest's model kind, exported as text.json's <c>model_kind</c>). <c>text-export</c> writes what
/// both sides share into one folder (text.json, the model's weights as safetensors, real fortune snippets tokenised
/// with the model's tokenizer, the seed, and the noise of each latency run); the other phases read it.
/// </summary>
internal static class TextBench
{
    /// <summary>Debian's fortunes (package <c>fortunes</c>), the bundled text model's training data.</summary>
    public const string FortunesPath = "/usr/share/games/fortunes";

    private const string SpecFile = "text.json";
    private const string WeightsFile = "model.safetensors";

    /// <summary>Names of a span model's learned prior (<see cref="SentenceVaeOptions.PriorHidden"/>), which the twin does not have.</summary>
    private const string LearnedPriorPrefix = "prior.";
    private const string TokensFile = "tokens.i64";
    private const string LatencyNoiseFile = "latency_noise.f32";

    /// <summary>Training snippets exported (enough for 8 distinct batches of 512).</summary>
    private const int Rows = 4096;

    // The variation every latency figure is defined over: 8 variations at the CLI's defaults.
    private const int VaryCount = GenerationLimits.DefaultCount;
    private const double Similarity = GenerationLimits.DefaultSimilarity;
    private const double Temperature = GenerationLimits.DefaultTemperature;
    private const int LatencyWarmup = 10, LatencyRuns = 200, LatencyQuickRuns = 50;

    /// <summary>
    /// Training settings of the throughput phases: the text recipe's free bits, clipping and learning rate, with β at
    /// the plateau of its cyclical schedule (1).
    /// </summary>
    private static readonly TrainerOptions Training = new TextTrainingRecipe().Defaults;
    private const double TrainingBeta = 1.0;

    private static readonly ModelKindRegistry Kinds = new ModelKindRegistry()
        .Add(SentenceVae.KindName, settings => new SentenceVae(ModelManifest.FromJsonObject<SentenceVaeOptions>(settings)))
        .Add(SpanLatentVae.KindName, settings => new SpanLatentVae(ModelManifest.FromJsonObject<SentenceVaeOptions>(settings)));

    /// <summary>A freshly initialised model of <paramref name="kind"/> (one of <see cref="Kinds"/>), its weights drawn from <paramref name="initialization"/>.</summary>
    private static ISentenceModel NewModel(string kind, SentenceVaeOptions o, Generator initialization) => kind switch
    {
        SentenceVae.KindName => new SentenceVae(o, initialization),
        SpanLatentVae.KindName => new SpanLatentVae(o, initialization),
        _ => throw new InvalidOperationException($"the text bench measures a {SentenceVae.KindName} or a {SpanLatentVae.KindName}, not a {kind}."),
    };

    /// <summary>
    /// Exports the text model — <paramref name="modelDir"/>, else the bundled default text model when it exists,
    /// else a freshly initialised model of the default shape with a tokenizer trained here on the corpus (figures of
    /// an untrained model decode every position, a trained one stops at EOS) — with 4096 training snippets of
    /// <paramref name="corpusPath"/> in a fixed shuffled order, the seed (samples/seed-text.txt) and per-run noise.
    /// </summary>
    public static object Export(string repo, string outDir, string? modelDir, string corpusPath)
    {
        outDir = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outDir);
        var corpus = TextCorpus.Load(corpusPath, 0.1, TextTrainingRecipe.MaxSnippetChars, Console.Error.WriteLine);
        string dir, weights;
        var bundled = Path.Combine(repo, "models", new TextModality().DefaultModelId);
        if (modelDir is not null) (dir, weights) = (Path.GetFullPath(modelDir), "given");
        else if (File.Exists(Path.Combine(bundled, ModelDirectory.ManifestFile))) (dir, weights) = (bundled, "bundled");
        else (dir, weights) = (CreateUntrained(Path.Combine(outDir, "model"), corpus), "untrained");

        var (vae, manifest) = LoadModel(dir);
        using var _ = vae;
        var o = vae.Settings;
        var tokenizer = TextEncoding.LoadTokenizer(manifest, dir, o);
        // The twin has no learned prior: variations never read it, and the equivalence phases train the model without it
        // (against N(0, I), as the twin does), so its weights and settings stay out of what the twin loads.
        var twinParameters = vae.Module.named_parameters().Where(p => !p.name.StartsWith(LearnedPriorPrefix, StringComparison.Ordinal)).ToList();
        SafeTensors.Write(Path.Combine(outDir, WeightsFile), twinParameters.ToDictionary(p => p.name, p => (Tensor)p.parameter));

        var data = TextDataset.Encode(corpus.Train, tokenizer, o);
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(7).Shuffle(order); // a seeded System.Random is the same sequence in every process
        using (var rows = data.Batch(order.Take(Rows).ToArray(), null)) // padded to MaxTokens
            File.WriteAllBytes(Path.Combine(outDir, TokensFile), MemoryMarshal.AsBytes(rows.data<long>().ToArray().AsSpan()).ToArray());

        var seedText = File.ReadLines(Path.Combine(repo, "samples", "seed-text.txt")).First(l => l.Trim().Length > 0).Trim();
        var seed = SeedRow(tokenizer, o, seedText);

        // The noise the variation engine draws for rng i, for each latency run, so the PyTorch twin decodes exactly
        // what the C# side decodes: VaryBatch's code noise ε, shaped as the seed's μ repeated ([count, the model's
        // whole latent size]: spans × the size per span for a span model), drawn before the codes are made in either
        // neighbourhood (slerp or posterior noise); then DecodeRows' uniforms [count, RowNoiseShape], from the same
        // generator.
        var noise = new List<float>();
        for (var i = 0; i < LatencyWarmup + LatencyRuns; i++)
        {
            using var g = new Generator((ulong)i);
            using var eps = randn([VaryCount, vae.LatentSize], generator: g);
            using var uniform = rand([VaryCount, .. RowNoise(vae)], generator: g);
            noise.AddRange(eps.data<float>());
            // The tokens' uniforms: the first position-wide block of each row (a mixture prior's component uniforms
            // follow it, and only prior samples read them).
            using var tokenUniforms = uniform.narrow(1, 0, vae.Settings.MaxTokens).contiguous();
            noise.AddRange(tokenUniforms.data<float>());
        }
        WriteFloats(Path.Combine(outDir, LatencyNoiseFile), noise.ToArray());

        var spec = new JsonObject
        {
            ["model_dir"] = dir,
            ["weights"] = weights,
            ["parameters"] = vae.Module.parameters().Sum(p => p.numel()),
            ["model_kind"] = vae.Kind,
            ["model"] = TwinShape(vae),
            ["model_options"] = ModelManifest.ToJsonObject(o with { PriorHidden = null, PriorComponents = null }),
            ["parameter_order"] = new JsonArray(twinParameters.Select(p => (JsonNode)p.name).ToArray()),
            ["variation"] = VariationSpec(vae),
            ["corpus"] = corpusPath,
            ["snippets_train"] = corpus.Train.Count,
            ["rows_tokenised"] = data.Count,
            ["rows"] = Rows,
            ["seed_text"] = seedText,
            ["seed"] = new JsonArray(seed.Select(t => (JsonNode)t).ToArray()),
            ["training"] = new JsonObject
            {
                ["beta"] = TrainingBeta,
                ["free_bits"] = Training.FreeBits,
                ["clip"] = Training.GradientClipNorm,
                ["learning_rate"] = Training.LearningRate,
            },
            ["latency"] = new JsonObject
            {
                ["count"] = VaryCount,
                ["similarity"] = Similarity,
                ["temperature"] = Temperature,
                ["warmup"] = LatencyWarmup,
                ["runs"] = LatencyRuns,
                ["quick_runs"] = LatencyQuickRuns,
            },
        };
        File.WriteAllText(Path.Combine(outDir, SpecFile), spec.ToJsonString());
        return new
        {
            model_dir = dir,
            weights,
            model_kind = vae.Kind,
            parameters = vae.Module.parameters().Sum(p => p.numel()),
            latent_size = vae.LatentSize, // the whole z: spans × the size of one code for a span model
            span_tokens = o.SpanTokens,
            spans = o.SpanTokens is null ? (int?)null : o.Spans,
            neighbourhood = NeighbourhoodName(vae.Neighbourhood),
            posterior_noise_spread = VariationEngine.PosteriorNoiseSpread,
            vocabulary = o.VocabularySize,
            max_tokens = o.MaxTokens,
            snippets_train = corpus.Train.Count,
            rows = Rows,
            mean_tokens = data.Targets / (double)data.Count,
            seed_text = seedText,
            torchsharp = TorchRuntime.TorchSharpVersion,
        };
    }

    /// <summary>
    /// Numerical equivalence: a freshly initialised model of the exported shape (initial weights written out), the
    /// first 3 batches of 64 exported snippets (each as wide as its longest row, as in training), exported
    /// reparameterisation noise and word-dropout uniforms (word dropout stays on), 3 Adam steps with the ELBO's free
    /// bits active; the losses and final weights are written for the twin. Then the exported model varies the seed 8
    /// times from noise drawn as the engine draws it, for the twin to decode the same.
    /// </summary>
    public static object Equivalence(string sharedDir, string outDir)
    {
        const int steps = 3, batch = 64;
        // KL is 0.02–0.05 nats per row in these first steps, about the same for every row: free bits 0.04 (0.028
        // nats) clamp it in some steps and not in others (rows_over_free_nats), so both branches of the clamp run.
        const double beta = 1.0, freeBits = 0.04, lr = 1e-3, clip = 1.0;
        Directory.CreateDirectory(outDir);
        var spec = ReadSpec(sharedDir);
        var o = Options(spec);
        var rows = ReadRows(sharedDir, steps * batch, o.MaxTokens);
        File.WriteAllBytes(Path.Combine(outDir, TokensFile), MemoryMarshal.AsBytes(rows.AsSpan()).ToArray());

        using var initialization = new Generator(123);
        using var vae = NewModel(Kind(spec), o, initialization);
        var model = vae.Module;
        model.save_safetensors(Path.Combine(outDir, "init.safetensors"));
        using var noise = new Generator(77);
        using var eps = randn([steps, batch, vae.LatentSize], generator: noise);
        WriteFloats(Path.Combine(outDir, "eps.f32"), eps.data<float>().ToArray());

        var optimizer = new AdamOptimizer(model.parameters(), lr);
        var losses = new List<double>();
        var reconstruction = new List<double>();
        var klMeans = new List<double>();
        var overFreeNats = new List<long>();
        var widths = new List<long>();
        var dropout = new List<float>();
        using var freeNats = (freeBits * Math.Log(2.0)).ToScalar();
        model.train();
        for (var s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var x = Batch(rows, s * batch, batch, o);
            widths.Add(x.shape[1]);
            // Word dropout draws its uniforms first from the generator the reconstruction gets: draw them here from
            // an identically seeded one for the twin.
            var dropoutSeed = (ulong)(1000 + s);
            using var draw = new Generator(dropoutSeed);
            dropout.AddRange(rand([batch, x.shape[1] - 1], generator: draw).data<float>());
            using var generator = new Generator(dropoutSeed);
            optimizer.zero_grad();
            var posterior = vae.Encode(x);
            var z = posterior.Mean + posterior.StdDev * eps[s];
            var rec = vae.Reconstruct(x, z, new ReconstructionSettings(0, generator));
            var kl = posterior.KlToStandardNormal();
            var terms = ElboTerms.Compute(rec.Nll, kl, beta, freeBits);
            terms.Loss.backward();
            // The first step's gradients (before clipping), in parameter order, for the twin to compare one by one.
            if (s == 0)
                WriteFloats(Path.Combine(outDir, "gradients0.f32"),
                    model.parameters().SelectMany(p => p.grad!.contiguous().data<float>().ToArray()).ToArray());
            nn.utils.clip_grad_norm_(model.parameters(), clip);
            optimizer.step();
            losses.Add(terms.Loss.item<float>());
            reconstruction.Add(terms.ReconstructionNats.item<float>());
            klMeans.Add(terms.KlNats.item<float>());
            overFreeNats.Add(kl.gt(freeNats).sum().item<long>());
        }
        model.save_safetensors(Path.Combine(outDir, "after.safetensors"));
        WriteFloats(Path.Combine(outDir, "dropout.f32"), dropout.ToArray());

        // Generation through the variation engine, on the exported model.
        const long rng = 5;
        var (shared, _) = LoadModel(spec["model_dir"]!.GetValue<string>());
        using var _s = shared;
        // Token for token against the twin: the fp32 modules, not the fp16 packed step (whose logits move by ~1e-3).
        shared.PackedGeneration = false;
        var seed = SeedTensor(spec);
        using (var g = new Generator((ulong)rng))
        {
            // As the engine draws them (see Export's latency noise).
            WriteFloats(Path.Combine(outDir, "vary_noise.f32"), randn([VaryCount, shared.LatentSize], generator: g).data<float>().ToArray());
            using var uniform = rand([VaryCount, .. RowNoise(shared)], generator: g);
            using var tokenUniforms = uniform.narrow(1, 0, shared.Settings.MaxTokens).contiguous(); // as in Export
            WriteFloats(Path.Combine(outDir, "vary_uniform.f32"), tokenUniforms.data<float>().ToArray());
        }
        using var engine = new VariationEngine(shared, CPU, meanCacheCapacity: 0);
        using (NewDisposeScope())
        {
            var (mean, stdDev) = engine.Encode(seed);
            WriteFloats(Path.Combine(outDir, "vary_mean.f32"), mean.data<float>().ToArray());
            WriteFloats(Path.Combine(outDir, "vary_stddev.f32"), stdDev.data<float>().ToArray());
            var tokens = engine.Vary(seed, VaryCount, Similarity, Temperature, rng, rejectCopies: false);
            File.WriteAllBytes(Path.Combine(outDir, "vary_tokens.i64"), MemoryMarshal.AsBytes(tokens.contiguous().data<long>().ToArray().AsSpan()).ToArray());
        }

        var result = new JsonObject
        {
            ["steps"] = steps,
            ["batch"] = batch,
            ["beta"] = beta,
            ["free_bits"] = freeBits,
            ["lr"] = lr,
            ["clip"] = clip,
            ["model_kind"] = Kind(spec),
            ["model"] = spec["model"]!.DeepClone(),
            ["parameter_order"] = spec["parameter_order"]!.DeepClone(),
            ["widths"] = new JsonArray(widths.Select(w => (JsonNode)w).ToArray()),
            ["losses"] = new JsonArray(losses.Select(l => (JsonNode)l).ToArray()),
            ["reconstruction_nats"] = new JsonArray(reconstruction.Select(l => (JsonNode)l).ToArray()),
            ["kl_nats"] = new JsonArray(klMeans.Select(l => (JsonNode)l).ToArray()),
            ["rows_over_free_nats"] = new JsonArray(overFreeNats.Select(l => (JsonNode)l).ToArray()),
            ["vary"] = new JsonObject
            {
                ["weights"] = Path.Combine(Path.GetFullPath(sharedDir), WeightsFile),
                ["model_weights"] = spec["weights"]!.DeepClone(),
                ["rng"] = rng,
                ["count"] = VaryCount,
                ["similarity"] = Similarity,
                ["temperature"] = Temperature,
                ["seed"] = spec["seed"]!.DeepClone(),
                ["neighbourhood"] = NeighbourhoodName(engine.Neighbourhood),
                ["posterior_noise_spread"] = VariationEngine.PosteriorNoiseSpread,
            },
        };
        File.WriteAllText(Path.Combine(outDir, "spec.json"), result.ToJsonString());
        return result;
    }

    /// <summary>
    /// Training throughput at <paramref name="batch"/>: the trainer's step (encode, reparameterise, reconstruct with
    /// word dropout, ELBO with free bits, backward, clip, Adam) on 8 batches of exported snippets in turn.
    /// </summary>
    public static object Train(string sharedDir, int batch, bool quick)
    {
        int warmup = quick ? 2 : 5, timed = quick ? 8 : 40;
        var spec = ReadSpec(sharedDir);
        var o = Options(spec);
        var rows = ReadRows(sharedDir, batch * 8, o.MaxTokens);
        using var initialization = new Generator(1);
        using var vae = NewModel(Kind(spec), o, initialization);
        var model = vae.Module;
        var optimizer = new AdamOptimizer(model.parameters(), Training.LearningRate);
        using var g = new Generator(3);
        model.train();
        var clock = new Stopwatch();
        long targets = 0;
        for (var s = 0; s < warmup + timed; s++)
        {
            if (s == warmup) clock.Start();
            using var scope = NewDisposeScope();
            var x = Batch(rows, (s % 8) * batch, batch, o);
            optimizer.zero_grad();
            var posterior = vae.Encode(x);
            var z = posterior.Reparameterize(g);
            var rec = vae.Reconstruct(x, z, new ReconstructionSettings(0, g));
            var terms = ElboTerms.Compute(rec.Nll, posterior.KlToStandardNormal(), TrainingBeta, Training.FreeBits);
            terms.Loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), Training.GradientClipNorm);
            optimizer.step();
            terms.Loss.item<float>();
            if (s >= warmup) targets += rec.Total ?? 0;
        }
        clock.Stop();
        var seconds = clock.Elapsed.TotalSeconds;
        return new { batch, steps = timed, examples_per_s = timed * batch / seconds, target_tokens_per_s = targets / seconds, peak_rss_mb = Program.PeakRssMb() };
    }

    /// <summary>
    /// Latency of 8 variations of the seed: the engine (encode + decode, no posterior-mean cache, as the twin) and the
    /// whole text path (<see cref="IMaterialGenerator.VaryMany"/>: tokenise, vary, redraw copies, detokenise).
    /// </summary>
    public static object Latency(string sharedDir, bool quick)
    {
        var spec = ReadSpec(sharedDir);
        var dir = spec["model_dir"]!.GetValue<string>();
        var (model, manifest) = LoadModel(dir);
        using var _ = model;
        var o = model.Settings;
        var seed = SeedTensor(spec);
        var runs = quick ? LatencyQuickRuns : LatencyRuns;
        using var engine = new VariationEngine(model, CPU, meanCacheCapacity: 0);
        // The engine path twice: through the fp32 modules, the twin's exact work (same tokens), then as generation runs
        // by default, through the packed fp16 step.
        var (moduleTimes, moduleGenerated) = EngineLatency(false);
        var (times, generated) = EngineLatency(true);

        (List<double> Times, long Generated) EngineLatency(bool packed)
        {
            model.PackedGeneration = packed;
            var result = new List<double>();
            long tokens = 0;
            for (var i = 0; i < LatencyWarmup + runs; i++)
            {
                using var scope = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                var output = engine.Vary(seed, VaryCount, Similarity, Temperature, i, rejectCopies: false);
                sw.Stop();
                if (i < LatencyWarmup) continue;
                result.Add(sw.Elapsed.TotalMilliseconds);
                using var pad = o.PadId.ToScalar();
                tokens += output.narrow(1, 1, o.MaxTokens - 1).ne(pad).sum().item<long>();
            }
            result.Sort();
            return (result, tokens);
        }

        var generator = new TextModality().Open(new LoadedModel(dir, model, manifest, engine, InferencePrecision.Float32));
        var seedText = spec["seed_text"]!.GetValue<string>();
        var textTimes = new List<double>();
        for (var i = 0; i < LatencyWarmup + runs; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            var prepared = generator.Prepare(Material.FromText(seedText), "seed");
            generator.VaryMany([new MaterialVariation(prepared, new VaryOptions { Count = VaryCount, Similarity = Similarity, Temperature = Temperature, Rng = i })]);
            sw.Stop();
            if (i >= LatencyWarmup) textTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        textTimes.Sort();
        return new
        {
            runs,
            p50_ms = Program.Percentile(times, 0.5),
            p95_ms = Program.Percentile(times, 0.95),
            p99_ms = Program.Percentile(times, 0.99),
            generated_tokens = generated,
            modules_p50_ms = Program.Percentile(moduleTimes, 0.5),
            modules_p95_ms = Program.Percentile(moduleTimes, 0.95),
            modules_p99_ms = Program.Percentile(moduleTimes, 0.99),
            modules_generated_tokens = moduleGenerated,
            text_p50_ms = Program.Percentile(textTimes, 0.5),
            text_p95_ms = Program.Percentile(textTimes, 0.95),
            text_p99_ms = Program.Percentile(textTimes, 0.99),
        };
    }

    /// <summary>A model directory holding a freshly initialised default-shape model (the bundled kind) and a tokenizer trained on <paramref name="corpus"/>.</summary>
    private static string CreateUntrained(string dir, TextCorpus corpus)
    {
        Directory.CreateDirectory(dir);
        var tokenizerPath = Path.Combine(dir, TextTokenizer.FileName);
        var tokenizer = TextTokenizer.Train(corpus.Train, tokenizerPath, TextTrainingRecipe.DefaultShape.VocabularySize, Console.Error.WriteLine);
        var options = (TextTrainingRecipe.DefaultShape with
        {
            VocabularySize = tokenizer.VocabularySize,
            PadId = tokenizer.PadId,
            BosId = tokenizer.BosId,
            EosId = tokenizer.EosId,
        }).Validate();
        using var initialization = new Generator(123);
        using var model = new SpanLatentVae(options, initialization);
        ModelDirectory.Save(dir, model, new ModelManifest
        {
            Modality = TextModality.ModalityName,
            ModelKind = SpanLatentVae.KindName,
            Model = ModelManifest.ToJsonObject(options),
            Encoding = TextEncoding.Describe(tokenizerPath, options).ToJsonObject(),
            WeightsSha256 = "",
        });
        return dir;
    }

    private static (ISentenceModel Model, ModelManifest Manifest) LoadModel(string dir)
    {
        var (model, manifest) = ModelDirectory.Load(dir, CPU, Kinds, TextModality.ModalityName);
        if (model is ISentenceModel text) return (text, manifest);
        model.Dispose();
        throw new InvalidOperationException($"{dir} holds a {manifest.ModelKind}; the text bench measures a {SentenceVae.KindName} or a {SpanLatentVae.KindName}.");
    }

    /// <summary>
    /// The per-row noise shape the engine's decode draws (<see cref="IVaeModel.RowNoiseShape"/>): one uniform per
    /// position, as the twin's <c>generate</c> takes it, then for a mixture prior one more per position, which
    /// variations never read.
    /// </summary>
    private static long[] RowNoise(ISentenceModel model)
    {
        var shape = model.RowNoiseShape;
        var positions = model.Settings.MaxTokens;
        if (shape.Length != 1 || (shape[0] != positions && shape[0] != 2 * positions))
            throw new InvalidOperationException($"the twin takes one uniform per position ({positions}); the model draws [{string.Join(", ", shape)}].");
        return shape;
    }

    /// <summary>The model kind the exported spec holds (text.json's <c>model_kind</c>; exports before it held a <see cref="SentenceVae"/>).</summary>
    private static string Kind(JsonObject spec) => spec["model_kind"]?.GetValue<string>() ?? SentenceVae.KindName;

    /// <summary>The engine's neighbourhood in the twin's words (bench/reference/text_vae.py's <c>vary_codes</c>).</summary>
    private static string NeighbourhoodName(VariationNeighbourhood neighbourhood) => neighbourhood switch
    {
        VariationNeighbourhood.PriorSlerp => "prior-slerp",
        VariationNeighbourhood.PosteriorNoise => "posterior-noise",
        _ => throw new ArgumentOutOfRangeException(nameof(neighbourhood)),
    };

    /// <summary>How the engine draws a variation's code for this model, for the twin to draw the same.</summary>
    private static JsonObject VariationSpec(ISentenceModel model) => new()
    {
        ["neighbourhood"] = NeighbourhoodName(model.Neighbourhood),
        ["posterior_noise_spread"] = VariationEngine.PosteriorNoiseSpread,
    };

    /// <summary>The shape in the twin's words (bench/reference/text_vae.py's <c>from_spec</c>).</summary>
    /// <remarks><c>latent</c> is the size of one code; <c>code_size</c> the whole z a row has (spans × latent for a span model).</remarks>
    private static JsonObject TwinShape(ISentenceModel model)
    {
        var o = model.Settings;
        return new JsonObject
        {
            ["kind"] = model.Kind,
            ["span_tokens"] = o.SpanTokens,
            ["code_size"] = model.LatentSize,
            ["vocab"] = o.VocabularySize,
            ["max_tokens"] = o.MaxTokens,
            ["pad"] = o.PadId,
            ["bos"] = o.BosId,
            ["eos"] = o.EosId,
            ["embedding"] = o.EmbeddingSize,
            ["encoder_hidden"] = o.EncoderHidden,
            ["decoder_hidden"] = o.DecoderHidden,
            ["decoder_layers"] = o.DecoderLayers,
            ["latent"] = o.LatentSize,
            ["word_dropout"] = o.WordDropout,
            ["cell"] = o.Cell == RecurrentCell.Gru ? "gru" : "lstm",
        };
    }

    private static long[] SeedRow(TextTokenizer tokenizer, SentenceVaeOptions o, string text)
    {
        var ids = tokenizer.Encode(text);
        if (ids.Count > o.MaxTokens - 2) throw new InvalidOperationException($"the seed is {ids.Count} tokens; the model takes {o.MaxTokens - 2}.");
        var row = new long[o.MaxTokens];
        Array.Fill(row, (long)o.PadId);
        row[0] = o.BosId;
        for (var i = 0; i < ids.Count; i++) row[i + 1] = ids[i];
        row[ids.Count + 1] = o.EosId;
        return row;
    }

    private static Tensor SeedTensor(JsonObject spec)
    {
        var seed = spec["seed"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        return tensor(seed, new long[] { 1, seed.Length });
    }

    private static JsonObject ReadSpec(string dir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(dir, SpecFile)))!.AsObject();

    private static SentenceVaeOptions Options(JsonObject spec) =>
        ModelManifest.FromJsonObject<SentenceVaeOptions>(spec["model_options"]!.AsObject());

    private static long[] ReadRows(string dir, int count, int width)
    {
        var bytes = File.ReadAllBytes(Path.Combine(dir, TokensFile));
        if (bytes.Length < count * width * 8L) throw new InvalidOperationException($"{TokensFile} holds fewer than {count} rows.");
        return MemoryMarshal.Cast<byte, long>(bytes.AsSpan(0, count * width * 8)).ToArray();
    }

    /// <summary>Rows [start, start + count) as a training batch: as wide as its longest row (as <see cref="TextDataset"/> batches for training).</summary>
    private static Tensor Batch(long[] rows, int start, int count, SentenceVaeOptions o)
    {
        var full = o.MaxTokens;
        var width = 0;
        for (var r = 0; r < count; r++)
        {
            var row = rows.AsSpan((start + r) * full, full);
            var length = 0;
            foreach (var t in row) if (t != o.PadId) length++;
            width = Math.Max(width, length);
        }
        var data = new long[count * width];
        for (var r = 0; r < count; r++)
            rows.AsSpan((start + r) * full, width).CopyTo(data.AsSpan(r * width, width));
        return tensor(data, new long[] { count, width });
    }

    private static void WriteFloats(string path, float[] values) =>
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
