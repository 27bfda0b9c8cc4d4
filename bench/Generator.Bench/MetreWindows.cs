using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Serving;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// The <c>metre-windows</c> phase: does cutting a seed along its bars (<see cref="MelodyWindows.Spans"/>: windows of
/// whole bars, the rest of the 32 steps filled with what follows as context) cost the bundled model anything against
/// the plain 32-step windows it was trained on, and against bar windows padded with silence? Reconstructs every
/// held-out tune of the model's data each way (posterior mean, greedy decoding) and reports the share of steps
/// reproduced exactly and of note onsets reproduced (same step, same pitch), by metre.
/// </summary>
internal static class MetreWindows
{
    public static object Run(string repo, string? dataOverride)
    {
        var modelDir = Path.Combine(repo, "models", MelodyModality.DefaultModelFolder);
        using var services = new ServiceCollection().AddVaeCreative(Path.Combine(repo, "models"), b => b.AddMelody()).BuildServiceProvider();
        var loaded = services.GetRequiredService<ModelStore>().Get(modelDir);
        var data = loaded.Manifest.Training!["data"]!;
        var folder = dataOverride ?? data["folder"]!.GetValue<string>();
        var files = data["validationFiles"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        var groups = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var melody = MidiMelodyReader.Read(Path.Combine(folder, file));
            var key = melody.Metre.Changes.Count == 1 ? melody.TimeSignature.ToString() : "changing";
            var bars = MelodyWindows.Spans(melody);
            var plain = Enumerable.Range(0, (melody.Steps + 31) / 32).Select(c => new WindowSpan(c * 32, Math.Min(32, melody.Steps - c * 32))).ToList();
            if (!groups.TryGetValue(key, out var g)) groups[key] = g = new Tally();
            g.Files++;
            g.Steps += melody.Steps;
            var onsets = Onsets(melody.Tokens);
            g.Onsets += onsets.Count;
            foreach (var (spans, lookAhead, k) in new[] { (bars, true, 0), (plain, true, 1), (bars, false, 2) })
            {
                var output = Reconstruct(loaded, melody, spans, lookAhead);
                g.Same[k] += Enumerable.Range(0, melody.Steps).Count(t => output[t] == melody.Tokens[t]);
                var outOnsets = Onsets(output);
                g.OnsetsKept[k] += onsets.Count(o => outOnsets.Contains(o));
            }
        }
        return new
        {
            phase = "metre-windows",
            model = modelDir,
            heldOutFiles = files.Count,
            metres = groups.Select(kv => new
            {
                metre = kv.Key,
                files = kv.Value.Files,
                steps = kv.Value.Steps,
                barAligned = new { stepAccuracy = Ratio(kv.Value.Same[0], kv.Value.Steps), onsetRecall = Ratio(kv.Value.OnsetsKept[0], kv.Value.Onsets) },
                plain32 = new { stepAccuracy = Ratio(kv.Value.Same[1], kv.Value.Steps), onsetRecall = Ratio(kv.Value.OnsetsKept[1], kv.Value.Onsets) },
                barAlignedSilencePadded = new { stepAccuracy = Ratio(kv.Value.Same[2], kv.Value.Steps), onsetRecall = Ratio(kv.Value.OnsetsKept[2], kv.Value.Onsets) },
            }).ToList(),
        };
    }

    private sealed class Tally
    {
        public int Files;
        public long Steps;
        public long Onsets;
        public readonly long[] Same = new long[3];
        public readonly long[] OnsetsKept = new long[3];
    }

    private static double Ratio(long a, long b) => b == 0 ? double.NaN : Math.Round((double)a / b, 4);

    private static HashSet<(int Step, int Token)> Onsets(IReadOnlyList<int> tokens) =>
        Enumerable.Range(0, tokens.Count).Where(t => MelodyEncoding.IsNoteOn(tokens[t])).Select(t => (t, tokens[t])).ToHashSet();

    private static int[] Reconstruct(LoadedModel loaded, Melody melody, IReadOnlyList<WindowSpan> spans, bool lookAhead)
    {
        using var scope = NewDisposeScope();
        var chunks = MelodyWindows.Chunks(melody, spans, lookAhead);
        var input = tensor(chunks.SelectMany(c => c.Select(t => (long)t)).ToArray(), new long[] { chunks.Length, MelodyEncoding.WindowSteps });
        var (mean, _) = loaded.Engine.Encode(input);
        var decoded = loaded.Engine.Decode(mean, temperature: 0).to(ScalarType.Int64).data<long>().ToArray();
        var windows = Enumerable.Range(0, chunks.Length).Select(c => decoded.Skip(c * MelodyEncoding.WindowSteps).Take(MelodyEncoding.WindowSteps).Select(x => (int)x).ToArray()).ToList();
        return MelodyWindows.Stitch(windows, spans);
    }
}
