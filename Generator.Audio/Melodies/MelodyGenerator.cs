using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>One request of <see cref="MelodyGenerator.VaryMany(IReadOnlyList{MelodyVariationRequest})"/>.</summary>
/// <param name="Seed">The melody to vary.</param>
/// <param name="Options">How many variations and how.</param>
public sealed record MelodyVariationRequest(Melody Seed, VaryOptions Options);

/// <summary>One request of <see cref="MelodyGenerator.InterpolateMany(IReadOnlyList{MelodyInterpolationRequest})"/>.</summary>
/// <param name="From">Start melody.</param>
/// <param name="To">End melody.</param>
/// <param name="Options">Steps, temperature, rng.</param>
public sealed record MelodyInterpolationRequest(Melody From, Melody To, InterpolateOptions Options);

/// <summary>One request of <see cref="MelodyGenerator.SampleMany(IReadOnlyList{MelodySampleRequest})"/>.</summary>
/// <param name="Options">Count, temperature, rng.</param>
/// <param name="TempoQpm">Tempo written into the melodies (<see cref="Melody.MinSampleTempoQpm"/>–<see cref="Melody.MaxSampleTempoQpm"/>).</param>
public sealed record MelodySampleRequest(SampleOptions Options, double TempoQpm = Melody.DefaultTempoQpm);

/// <summary>
/// Melody variations, interpolations and samples on one loaded model: turns melodies into 2-bar windows, runs the
/// modality-free <see cref="VariationEngine"/>, and stitches the windows back into melodies. Typed methods for .NET
/// callers; the <see cref="IMaterialGenerator"/> methods (MIDI bytes in and out) for the host and the CLI.
/// </summary>
public sealed class MelodyGenerator : IMaterialGenerator
{
    /// <summary>Longest seed varied (in 4/4 bars).</summary>
    public const int MaxSeedBars = 64;

    /// <summary><see cref="MaxSeedBars"/> in steps: what readers pass as their limit, so a longer seed is refused before it is built.</summary>
    public const int MaxSeedSteps = MaxSeedBars * MelodyEncoding.StepsPerBar;

    /// <summary>Wraps <paramref name="model"/> (a melody model: see <see cref="MelodyModality.CheckCompatible"/>).</summary>
    public MelodyGenerator(LoadedModel model)
    {
        MelodyModality.CheckCompatible(model.Manifest, model.Directory);
        Model = model;
    }

    /// <summary>The generator for <paramref name="model"/> (a bundled id, a directory, or null for the default melody model) from a provider set up with <c>AddMelody()</c>.</summary>
    public static MelodyGenerator Open(IServiceProvider services, string? model = null, InferencePrecision precision = InferencePrecision.Float32)
    {
        var loaded = services.GetRequiredService<ModelStore>().Get(model, MelodyModality.ModalityName, precision);
        return (MelodyGenerator)services.GetRequiredService<ModalityRegistry>().Generator(loaded);
    }

    /// <inheritdoc />
    public LoadedModel Model { get; }

    private VariationEngine Engine => Model.Engine;

    /// <inheritdoc />
    public PreparedSeed Prepare(Material material, string field)
    {
        if (material.Data is not { } bytes)
            throw new MaterialException($"a melody model takes a MIDI file; '{field}' is {material.MediaType} text.");
        var track = MelodyModality.IntProperty(material.Properties, MelodyModality.TrackProperty, field);
        var melody = MidiMelodyReader.Read(bytes, field, track, MaxSeedSteps);
        if (melody.NoteCount == 0) throw new MaterialException($"{field}: the MIDI file has no notes.");
        return new MelodySeed(melody);
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> VaryMany(IReadOnlyList<MaterialVariation> requests) =>
        ToMaterial(VaryMany(requests.Select(r => new MelodyVariationRequest(Seed(r.Seed).Melody, r.Options)).ToList()));

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests) =>
        ToMaterial(InterpolateMany(requests.Select(r => new MelodyInterpolationRequest(Seed(r.From).Melody, Seed(r.To).Melody, r.Options)).ToList()));

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests) =>
        ToMaterial(SampleMany(requests.Select(r => new MelodySampleRequest(r, Tempo(r))).ToList()));

    /// <summary>Variations of <paramref name="seed"/>, each as long as the seed, varied window by window.</summary>
    public IReadOnlyList<Melody> Vary(Melody seed, VaryOptions options) => VaryMany([new MelodyVariationRequest(seed, options)])[0];

    /// <summary>
    /// Variations for several requests, encoded and decoded together (what a server does with requests that arrive at
    /// the same time). Each request's result is the same as <see cref="Vary"/> gives it alone.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Melody>> VaryMany(IReadOnlyList<MelodyVariationRequest> requests)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests)
        {
            r.Options.Validate();
            CheckSeed(r.Seed);
        }
        var chunks = requests.Select(r => MelodyWindows.Chunks(r.Seed)).ToArray();
        using var scope = NewDisposeScope();
        var seeds = chunks.Select(ToTensor).ToArray();
        // Copies are judged on the stitched melodies (two outputs can differ only in the padding cut away).
        return DistinctDraws.Draw(requests.Select(r => r.Options.Count).ToArray(), requests.Select(r => Key(r.Seed.Tokens)).ToArray(), (counts, attempt) =>
        {
            using var inner = NewDisposeScope();
            var active = Enumerable.Range(0, requests.Count).Where(i => counts[i] > 0).ToArray();
            var batch = active.Select(i => new VariationRequest(seeds[i], counts[i], requests[i].Options.Similarity,
                requests[i].Options.Temperature, DistinctDraws.AttemptRng(requests[i].Options.Rng, attempt), requests[i].Options.TopP)).ToArray();
            var outputs = Engine.VaryBatch(batch, rejectCopies: false);
            var drawn = new List<Melody>[requests.Count];
            for (var i = 0; i < requests.Count; i++) drawn[i] = [];
            for (var k = 0; k < active.Length; k++)
            {
                var i = active[k];
                var seed = requests[i].Seed;
                drawn[i] = Split(outputs[k], chunks[i].Length, counts[i]).Select(w => seed.WithTokens(MelodyWindows.Stitch(w, seed.Steps))).ToList();
            }
            return drawn;
        }, m => Key(m.Tokens));
    }

    private static string Key(IReadOnlyList<int> tokens) => string.Join(',', tokens);

    /// <summary>
    /// <see cref="InterpolateOptions.Steps"/> melodies from <paramref name="from"/> to <paramref name="to"/> (inclusive), by slerp
    /// between posterior means; the ends are cut to the shorter melody's length.
    /// </summary>
    public IReadOnlyList<Melody> Interpolate(Melody from, Melody to, InterpolateOptions options) =>
        InterpolateMany([new MelodyInterpolationRequest(from, to, options)])[0];

    /// <summary>Interpolations for several requests in one encode and one decode pass.</summary>
    public IReadOnlyList<IReadOnlyList<Melody>> InterpolateMany(IReadOnlyList<MelodyInterpolationRequest> requests)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests)
        {
            r.Options.Validate();
            CheckSeed(r.From);
            CheckSeed(r.To);
        }
        using var scope = NewDisposeScope();
        var lengths = requests.Select(r => Math.Min(r.From.Steps, r.To.Steps)).ToArray();
        var ends = requests.Select((r, i) => (
            A: MelodyWindows.Chunks(r.From.WithTokens(r.From.Tokens.Take(lengths[i]).ToArray())),
            B: MelodyWindows.Chunks(r.To.WithTokens(r.To.Tokens.Take(lengths[i]).ToArray())))).ToArray();
        var outputs = Engine.InterpolateBatch(requests.Select((r, i) =>
            new InterpolationRequest(ToTensor(ends[i].A), ToTensor(ends[i].B), r.Options.Steps, r.Options.Temperature, r.Options.Rng, r.Options.TopP)).ToArray());
        return requests.Select((r, i) => (IReadOnlyList<Melody>)Split(outputs[i], ends[i].A.Length, r.Options.Steps)
            .Select(w => r.From.WithTokens(MelodyWindows.Stitch(w, lengths[i]))).ToList()).ToList();
    }

    /// <summary>New 2-bar melodies from the prior.</summary>
    public IReadOnlyList<Melody> Sample(SampleOptions options, double tempoQpm = Melody.DefaultTempoQpm) =>
        SampleMany([new MelodySampleRequest(options, tempoQpm)])[0];

    /// <summary>Prior samples for several requests in one decode pass.</summary>
    public IReadOnlyList<IReadOnlyList<Melody>> SampleMany(IReadOnlyList<MelodySampleRequest> requests)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests)
        {
            r.Options.Validate();
            CheckTempo(r.TempoQpm);
        }
        using var scope = NewDisposeScope();
        var outputs = Engine.SampleBatch(requests.Select(r => new SampleRequest(r.Options.Count, r.Options.Temperature, r.Options.Rng, r.Options.TopP)).ToArray());
        return requests.Select((r, i) => (IReadOnlyList<Melody>)Split(outputs[i], 1, r.Options.Count).Select(w => new Melody(w[0], r.TempoQpm)).ToList()).ToList();
    }

    /// <summary>A melody as output material: MIDI bytes with its note count and length in bars.</summary>
    public static Material ToMaterial(Melody melody) =>
        Material.FromBytes(MediaTypes.Midi, MidiMelodyWriter.ToBytes(melody), new Dictionary<string, string>
        {
            ["notes"] = melody.NoteCount.ToString(CultureInfo.InvariantCulture),
            ["bars"] = Math.Round(melody.Steps / (double)MelodyEncoding.StepsPerBar, 3).ToString(CultureInfo.InvariantCulture),
        });

    private static IReadOnlyList<IReadOnlyList<Material>> ToMaterial(IReadOnlyList<IReadOnlyList<Melody>> results) =>
        results.Select(r => (IReadOnlyList<Material>)r.Select(ToMaterial).ToList()).ToList();

    private static MelodySeed Seed(PreparedSeed seed) =>
        seed as MelodySeed ?? throw new ArgumentException($"a melody model cannot use a {seed.GetType().Name}.");

    private static double Tempo(SampleOptions options)
    {
        if (!options.Properties.TryGetValue(MelodyModality.TempoProperty, out var text)) return Melody.DefaultTempoQpm;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var tempo))
            throw new ArgumentOutOfRangeException(MelodyModality.TempoProperty, text, $"tempoQpm must be a number; got '{text}'.");
        CheckTempo(tempo);
        return tempo;
    }

    private static void CheckTempo(double tempo)
    {
        if (!(tempo >= Melody.MinSampleTempoQpm && tempo <= Melody.MaxSampleTempoQpm))
            throw new ArgumentOutOfRangeException(MelodyModality.TempoProperty, tempo,
                $"tempoQpm must be between {Melody.MinSampleTempoQpm} and {Melody.MaxSampleTempoQpm}; got {tempo}.");
    }

    private static void CheckSeed(Melody seed)
    {
        if (seed.NoteCount == 0) throw new MaterialException("the seed melody has no notes.");
        var bars = (seed.Steps + MelodyEncoding.StepsPerBar - 1) / MelodyEncoding.StepsPerBar;
        if (bars > MaxSeedBars)
            throw new MaterialException($"the seed melody is {bars} bars long (4/4 bars of 16 steps); the limit is {MaxSeedBars}.", overLimit: true);
    }

    private static Tensor ToTensor(int[][] chunks)
    {
        var w = MelodyEncoding.WindowSteps;
        var data = new long[chunks.Length * w];
        for (var c = 0; c < chunks.Length; c++)
            for (var t = 0; t < w; t++) data[c * w + t] = chunks[c][t];
        return tensor(data, new long[] { chunks.Length, w });
    }

    /// <summary>Splits [groups × chunks, steps] token output into groups of windows.</summary>
    private static List<int[][]> Split(Tensor output, int chunks, int groups)
    {
        var flat = output.to(ScalarType.Int64).data<long>().ToArray();
        var w = (int)output.shape[1];
        var result = new List<int[][]>(groups);
        for (var g = 0; g < groups; g++)
        {
            var windows = new int[chunks][];
            for (var c = 0; c < chunks; c++)
            {
                windows[c] = new int[w];
                for (var t = 0; t < w; t++) windows[c][t] = (int)flat[((g * chunks) + c) * w + t];
            }
            result.Add(windows);
        }
        return result;
    }
}
