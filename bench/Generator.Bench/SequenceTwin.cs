using System.Text.Json;
using TorchSharp.PyBridge;
using VaeCreative.Audio.Drums;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// A bundled sequence model beside its PyTorch twin (bench/reference/melody_vae.py or hier_vae.py at the shape
/// written to <c>shape.json</c>): <c>export</c> writes the bundled model's weights, real training windows and one seed
/// window; <c>equivalence</c> three Adam steps from shared weights, batches and noise; <c>train</c> and
/// <c>latency</c> the same timings as the 2-bar melody phases. <c>--data</c> is the model's corpus.
/// </summary>
/// <param name="ModelFolder">The bundled model's folder under <c>models/</c>.</param>
/// <param name="Modality">The modality the model belongs to.</param>
/// <param name="Steps">Tokens per window.</param>
/// <param name="Create">A fresh model of the bundled shape.</param>
/// <param name="Shape">The twin's constructor arguments, written to <c>shape.json</c>.</param>
/// <param name="Windows">(data folder) → the corpus's training windows, then its held-out ones.</param>
/// <param name="Seed">(repository, data folder) → the window the latency phase varies.</param>
internal sealed record SequenceTwin(string ModelFolder, string Modality, int Steps, Func<IVaeModel> Create, object Shape,
    Func<string, (IReadOnlyList<int[]> Train, IReadOnlyList<int[]> HeldOut)> Windows, Func<string, string, int[]> Seed)
{
    /// <summary>The 2-bar drums model (MusicVAE's cat-drums_2bar_small shape); its seed is the demo's first window.</summary>
    public static SequenceTwin Drums { get; } = new(DrumModality.DefaultModelFolder, DrumModality.ModalityName, DrumEncoding.WindowSteps,
        () => new SequenceVae(DrumModality.DefaultModelOptions), SequenceShape(DrumModality.DefaultModelOptions),
        data => { var c = DrumCorpus.Load(data, 0.1); return (c.Train.Windows, c.Validation.Windows); },
        (repo, _) => new DrumSeed(Audio.Midi.MidiDrumReader.Read(Path.Combine(repo, "samples", "seed-drums.mid"))).Windows[0]);

    /// <summary>The 16-bar hierarchical melody model; its seed is the first held-out 16-bar window.</summary>
    public static SequenceTwin Melody16 { get; } = new(MelodyModality.SixteenBarModelFolder, MelodyModality.ModalityName, MelodyModality.SixteenBarWindowSteps,
        () => new HierarchicalSequenceVae(Melody16Options), HierarchicalShape(Melody16Options),
        MelodyWindows16, (_, data) => MelodyWindows16(data).HeldOut[0]);

    private static (IReadOnlyList<int[]>, IReadOnlyList<int[]> HeldOut) MelodyWindows16(string data)
    {
        var corpus = MelodyCorpus.Load(data, 0.1, 0).WithWindows(MelodyModality.SixteenBarWindowSteps);
        return (corpus.Train.Windows, corpus.Validation.Windows);
    }

    private static HierarchicalSequenceVaeOptions Melody16Options => new()
    {
        VocabularySize = MelodyEncoding.Classes, Segments = 16, SegmentLength = MelodyEncoding.StepsPerBar,
    };

    private static object SequenceShape(SequenceVaeOptions o) => new
    {
        vocab = o.VocabularySize, steps = o.SequenceLength, enc_hidden = o.EncoderHidden, enc_layers = o.EncoderLayers,
        dec_hidden = o.DecoderHidden, dec_layers = o.DecoderLayers, latent = o.LatentSize,
    };

    private static object HierarchicalShape(HierarchicalSequenceVaeOptions o) => new
    {
        kind = "hierarchical", vocab = o.VocabularySize, segments = o.Segments, segment_length = o.SegmentLength,
        seg_enc_hidden = o.SegmentEncoderHidden, enc_hidden = o.EncoderHidden, enc_layers = o.EncoderLayers, cond_hidden = o.ConductorHidden, cond_layers = o.ConductorLayers,
        embedding = o.EmbeddingSize, dec_hidden = o.DecoderHidden, dec_layers = o.DecoderLayers, latent = o.LatentSize,
    };

    private void WriteShape(string dir) => File.WriteAllText(Path.Combine(dir, "shape.json"), JsonSerializer.Serialize(Shape));

    private long[] TrainingTokens(string data, int count)
    {
        var train = Windows(data).Train;
        var result = new long[count * Steps];
        for (var i = 0; i < count; i++)
            for (var t = 0; t < Steps; t++) result[i * Steps + t] = train[i % train.Count][t];
        return result;
    }

    private (IVaeModel Model, IDisposable Owner) LoadBundled(string repo)
    {
        var (model, _) = ModelDirectory.Load(Path.Combine(repo, "models", ModelFolder), CPU, new ModelKindRegistry().AddAudioKinds(), expectedModality: Modality);
        return (model, (IDisposable)model.Module);
    }

    public object Export(string repo, string outDir, string data)
    {
        Directory.CreateDirectory(outDir);
        var (model, owner) = LoadBundled(repo);
        using var _ = owner;
        model.Module.save_safetensors(Path.Combine(outDir, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(outDir, "tokens.i64"), TrainingTokens(data, 4096).SelectMany(BitConverter.GetBytes).ToArray());
        var seed = Seed(repo, data);
        File.WriteAllText(Path.Combine(outDir, "seed.json"), JsonSerializer.Serialize(seed));
        WriteShape(outDir);
        return new { outDir, parameters = model.Module.parameters().Sum(p => p.numel()), seed };
    }

    public object Equivalence(string outDir, string data)
    {
        var spec = Program.Equivalence(outDir, Create, Steps, count => TrainingTokens(data, count));
        WriteShape(outDir);
        return spec;
    }

    public object Train(string dir, int batch, bool quick)
    {
        int warmup = quick ? 2 : 5, timed = quick ? 8 : 40;
        var bytes = File.ReadAllBytes(Path.Combine(dir, "tokens.i64"));
        var tokens = new long[batch * 8 * Steps];
        Buffer.BlockCopy(bytes, 0, tokens, 0, tokens.Length * 8);
        manual_seed(1);
        var model = Create();
        using var _ = (IDisposable)model.Module;
        var seconds = Program.TimeTrainingSteps(model, k => tensor(tokens.AsSpan(k * batch * Steps, batch * Steps).ToArray(), new long[] { batch, Steps }), warmup, timed,
            learningRate: 1e-3, beta: 0.2, freeBits: 0, clip: 1.0);
        return new { batch, steps = timed, examples_per_s = timed * batch / seconds };
    }

    public object Latency(string repo, string data, bool quick)
    {
        var (model, owner) = LoadBundled(repo);
        using var _ = owner;
        using var engine = new VariationEngine(model, CPU, meanCacheCapacity: 0);
        using var seed = tensor(Seed(repo, data).Select(t => (long)t).ToArray(), new long[] { 1, Steps });
        var (runs, times) = Program.VaryTimes(engine, seed, quick);
        return new { runs, p50_ms = Program.Percentile(times, 0.5), p99_ms = Program.Percentile(times, 0.99) };
    }
}
