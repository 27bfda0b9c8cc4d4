using System.Diagnostics;
using System.Text.Json;
using TorchSharp.PyBridge;
using VaeCreative.Audio.Drums;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// The drums model beside its PyTorch twin (bench/reference/melody_vae.py at the drums shape, read from
/// <c>shape.json</c>): <c>drums-export</c> writes the bundled model's weights, real training windows and the demo
/// seed's first window; <c>drums-equivalence</c> three Adam steps from shared weights, batches and noise;
/// <c>drums-train</c> and <c>drums-latency</c> the same timings as the melody phases. <c>--data</c> is the drum
/// corpus (<c>scripts/mma-grooves.sh</c>'s folder).
/// </summary>
internal static class DrumsBench
{
    private static SequenceVaeOptions Shape => DrumModality.DefaultModelOptions;

    private static void WriteShape(string dir) => File.WriteAllText(Path.Combine(dir, "shape.json"), JsonSerializer.Serialize(new
    {
        vocab = Shape.VocabularySize, steps = Shape.SequenceLength, enc_hidden = Shape.EncoderHidden, enc_layers = Shape.EncoderLayers,
        dec_hidden = Shape.DecoderHidden, dec_layers = Shape.DecoderLayers, latent = Shape.LatentSize,
    }));

    private static long[] Windows(string data, int count)
    {
        var corpus = DrumCorpus.Load(data, 0.1);
        var w = DrumEncoding.WindowSteps;
        var result = new long[count * w];
        for (var i = 0; i < count; i++)
            for (var t = 0; t < w; t++) result[i * w + t] = corpus.Train.Windows[i % corpus.Train.Count][t];
        return result;
    }

    public static object Export(string repo, string outDir, string data)
    {
        Directory.CreateDirectory(outDir);
        var (model, _) = ModelDirectory.Load(Path.Combine(repo, "models", DrumModality.DefaultModelFolder), CPU, expectedModality: DrumModality.ModalityName);
        using var _m = (IDisposable)model.Module;
        model.Module.save_safetensors(Path.Combine(outDir, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(outDir, "tokens.i64"), Windows(data, 4096).SelectMany(BitConverter.GetBytes).ToArray());
        var seed = new DrumSeed(Audio.Midi.MidiDrumReader.Read(Path.Combine(repo, "samples", "seed-drums.mid"))).Windows[0];
        File.WriteAllText(Path.Combine(outDir, "seed.json"), JsonSerializer.Serialize(seed));
        WriteShape(outDir);
        return new { outDir, parameters = model.Module.parameters().Sum(p => p.numel()), seed };
    }

    public static object Equivalence(string outDir, string data)
    {
        var spec = Program.Equivalence(outDir, Shape, count => Windows(data, count));
        WriteShape(outDir);
        return spec;
    }

    public static object Train(string dir, int batch, bool quick)
    {
        int warmup = quick ? 2 : 5, timed = quick ? 8 : 40;
        var bytes = File.ReadAllBytes(Path.Combine(dir, "tokens.i64"));
        var tokens = new long[batch * 8 * 32];
        Buffer.BlockCopy(bytes, 0, tokens, 0, tokens.Length * 8);
        manual_seed(1);
        using var model = new SequenceVae(Shape);
        var seconds = Program.TimeTrainingSteps(model, k => tensor(tokens.AsSpan(k * batch * 32, batch * 32).ToArray(), new long[] { batch, 32 }), warmup, timed,
            learningRate: 1e-3, beta: 0.2, freeBits: 0, clip: 1.0);
        return new { batch, steps = timed, examples_per_s = timed * batch / seconds };
    }

    public static object Latency(string repo, bool quick)
    {
        var (model, _) = ModelDirectory.Load(Path.Combine(repo, "models", DrumModality.DefaultModelFolder), CPU, expectedModality: DrumModality.ModalityName);
        using var _m = (IDisposable)model.Module;
        using var engine = new VariationEngine(model, CPU, meanCacheCapacity: 0);
        var window = new DrumSeed(Audio.Midi.MidiDrumReader.Read(Path.Combine(repo, "samples", "seed-drums.mid"))).Windows[0];
        using var seed = tensor(window.Select(t => (long)t).ToArray(), new long[] { 1, 32 });
        int warmup = 10, runs = quick ? 50 : 200;
        var times = new List<double>();
        for (var i = 0; i < warmup + runs; i++)
        {
            var sw = Stopwatch.StartNew();
            using (NewDisposeScope()) engine.Vary(seed, 8, 0.75, 0.5, i, rejectCopies: false);
            sw.Stop();
            if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return new { runs, p50_ms = Program.Percentile(times, 0.5), p99_ms = Program.Percentile(times, 0.99) };
    }
}
