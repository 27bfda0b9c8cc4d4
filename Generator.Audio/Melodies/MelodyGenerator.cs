using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// Melody variations, interpolations and samples on one loaded model: turns melodies of any length into model windows
/// that follow their bars, runs the modality-free <see cref="VariationEngine"/>, and stitches the windows back into
/// melodies (or back into the seed's own file, arrangement kept). Typed methods for .NET callers; the
/// <see cref="IMaterialGenerator"/> methods (MIDI bytes in and out) for the host and the CLI.
/// </summary>
public sealed class MelodyGenerator : IMaterialGenerator
{
    /// <summary>Wraps <paramref name="model"/> (a melody model: see <see cref="MelodyModality.CheckCompatible"/>).</summary>
    public MelodyGenerator(LoadedModel model)
    {
        WindowSteps = MelodyModality.WindowSteps(model.Manifest, model.Directory);
        Model = model;
    }

    /// <summary>Steps per model window: 32 (two bars of 4/4) for 2-bar models, 256 for 16-bar ones.</summary>
    public int WindowSteps { get; }

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
        var track = MidiMaterialProperties.Int(material.Properties, MelodyModality.TrackProperty, field);
        var keep = MidiMaterialProperties.Bool(material.Properties, MelodyModality.KeepArrangementProperty, field) ?? false;
        var (melody, source) = MidiMelodyReader.ReadWithSource(bytes, field, track);
        if (melody.NoteCount == 0) throw new MaterialException($"{field}: the MIDI file has no notes.");
        BarRange? bars = null;
        try
        {
            if (material.Properties.TryGetValue(MelodyModality.BarsProperty, out var text)) bars = BarRange.Parse(text);
            return new MelodySeed(melody, bars, keep ? new MelodyArrangement(bytes, source) : null, WindowSteps);
        }
        catch (FormatException e)
        {
            throw new MaterialException($"{field}: {e.Message}");
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> VaryMany(IReadOnlyList<MaterialVariation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var seeds = requests.Select(r => Seed(r.Seed)).ToList();
        var results = Vary(seeds.Zip(requests, (s, r) => (s, r.Options)).ToList(), progress, cancellationToken);
        return results.Select((melodies, i) => (IReadOnlyList<Material>)melodies.Select(m => ToMaterial(m, seeds[i].Arrangement, seeds[i].From, seeds[i].To)).ToList()).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var seeds = requests.Select(r => (From: Seed(r.From), To: Seed(r.To))).ToList();
        foreach (var (from, to) in seeds)
            if (from.Bars is not null || to.Bars is not null)
                throw new MaterialException("bars applies to variations; an interpolation runs from one whole melody to another.");
        cancellationToken.ThrowIfCancellationRequested();
        var results = InterpolateMany(requests.Select(r => new MelodyInterpolationRequest(Seed(r.From).Melody, Seed(r.To).Melody, r.Options)).ToList(), progress);
        return results.Select((melodies, i) => (IReadOnlyList<Material>)melodies
            .Select(m => ToMaterial(m, seeds[i].From.Arrangement, 0, m.Steps)).ToList()).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        ToMaterial(SampleMany(requests.Select(r => new MelodySampleRequest(r, Tempo(r))).ToList()));

    /// <summary>Variations of <paramref name="seed"/>, each as long as the seed, varied window by window.</summary>
    public IReadOnlyList<Melody> Vary(Melody seed, VaryOptions options) => VaryMany([new MelodyVariationRequest(seed, options)])[0];

    /// <summary>
    /// Variations for several requests, encoded and decoded together (what a server does with requests that arrive at
    /// the same time). Each request's result is the same as <see cref="Vary(Melody, VaryOptions)"/> gives it alone.
    /// <paramref name="progress"/> hears the share of windows done (0–1) after each pass.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Melody>> VaryMany(IReadOnlyList<MelodyVariationRequest> requests, IProgress<double>? progress = null)
    {
        var seeds = new List<(MelodySeed, VaryOptions)>();
        foreach (var r in requests)
        {
            CheckSeed(r.Seed);
            seeds.Add((new MelodySeed(r.Seed, r.Bars, windowSteps: WindowSteps), r.Options));
        }
        return Vary(seeds, progress, CancellationToken.None);
    }

    private IReadOnlyList<IReadOnlyList<Melody>> Vary(IReadOnlyList<(MelodySeed Seed, VaryOptions Options)> requests, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (requests.Count == 0) return [];
        foreach (var (seed, options) in requests)
        {
            options.Validate();
            CheckSeed(seed.Melody);
        }
        var shifts = requests.Select(r => Model.AttributeShift(r.Options.Attributes)).ToArray();
        using var scope = NewDisposeScope();
        var total = requests.Sum(r => (long)r.Seed.Rows * r.Options.Count);
        // Copies are judged on the whole melodies (two outputs can differ only in the padding cut away).
        return DistinctDraws.Draw(requests.Select(r => r.Options.Count).ToArray(), requests.Select(r => Key(r.Seed.Melody.Tokens)).ToArray(), (counts, attempt) =>
        {
            var windows = WindowPasses.Run(requests.Select((r, i) => (r.Seed.Windows, counts[i])).ToList(), (i, pass, chunk) =>
                new VariationRequest(chunk, counts[i], requests[i].Options.Similarity, requests[i].Options.Temperature,
                    WindowPasses.Rng(DistinctDraws.AttemptRng(requests[i].Options.Rng, attempt), pass), requests[i].Options.TopP, shifts[i]),
                batch => Engine.VaryBatch(batch.Cast<VariationRequest>().ToArray(), rejectCopies: false),
                attempt == 0 ? progress : null, total);
            return requests.Select((r, i) => windows[i]
                .Select(w => r.Seed.Splice(MelodyWindows.Stitch(w, r.Seed.Spans))).ToList()).ToArray();
        }, m => Key(m.Tokens), cancellationToken: cancellationToken);
    }

    private static string Key(IReadOnlyList<int> tokens) => string.Join(',', tokens);

    /// <summary>
    /// <see cref="InterpolateOptions.Steps"/> melodies from <paramref name="from"/> to <paramref name="to"/> (inclusive), by slerp
    /// between posterior means, window by window along <paramref name="from"/>'s bars; the ends are cut to the shorter
    /// melody's length.
    /// </summary>
    public IReadOnlyList<Melody> Interpolate(Melody from, Melody to, InterpolateOptions options) =>
        InterpolateMany([new MelodyInterpolationRequest(from, to, options)])[0];

    /// <summary>Interpolations for several requests, passes of <see cref="WindowPasses.WindowsPerPass"/> windows at a time (see <see cref="VaryMany(IReadOnlyList{MelodyVariationRequest}, IProgress{double})"/>).</summary>
    public IReadOnlyList<IReadOnlyList<Melody>> InterpolateMany(IReadOnlyList<MelodyInterpolationRequest> requests, IProgress<double>? progress = null)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests)
        {
            r.Options.Validate();
            CheckSeed(r.From);
            CheckSeed(r.To);
        }
        using var scope = NewDisposeScope();
        var ends = requests.Select(r =>
        {
            var length = Math.Min(r.From.Steps, r.To.Steps);
            var from = r.From.WithTokens(r.From.Tokens.Take(length).ToArray());
            var spans = MelodyWindows.Spans(from, windowSteps: WindowSteps);
            // Both ends are cut along the start's bars, so window k of one meets window k of the other.
            var to = new Melody(r.To.Tokens.Take(length).ToArray(), from.Tempi, from.Metre);
            return (From: from, Spans: spans, A: MelodyWindows.Chunks(from, spans, windowSteps: WindowSteps), B: MelodyWindows.Chunks(to, spans, windowSteps: WindowSteps));
        }).ToArray();
        var total = requests.Select((r, i) => (long)ends[i].A.Length * r.Options.Steps).Sum();
        var windows = WindowPasses.Run(ends.Select((e, i) => (e.A, requests[i].Options.Steps)).ToList(), (i, pass, chunk) =>
            {
                var start = pass * WindowPasses.WindowsPerPass;
                var b = WindowPasses.ToTensor(ends[i].B.Skip(start).Take((int)chunk.shape[0]).ToArray());
                var r = requests[i].Options;
                return new InterpolationRequest(chunk, b, r.Steps, r.Temperature, WindowPasses.Rng(r.Rng, pass), r.TopP);
            },
            batch => Engine.InterpolateBatch(batch.ToArray()), progress, total);
        return requests.Select((r, i) => (IReadOnlyList<Melody>)windows[i]
            .Select(w => ends[i].From.WithTokens(MelodyWindows.Stitch(w, ends[i].Spans))).ToList()).ToList();
    }

    /// <summary>New melodies from the prior, one model window long (2 or 16 bars).</summary>
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
        return requests.Select((r, i) => (IReadOnlyList<Melody>)WindowPasses.Split(outputs[i], 1, r.Options.Count).Select(w => new Melody(w[0], r.TempoQpm)).ToList()).ToList();
    }

    /// <summary>A melody as output material: MIDI bytes with its note count and length in bars.</summary>
    public static Material ToMaterial(Melody melody) => ToMaterial(melody, null, 0, melody.Steps);

    /// <summary>
    /// A melody as output material: a MIDI file of the melody alone, or, with <paramref name="arrangement"/>, the seed
    /// file with its melody notes in steps <paramref name="from"/>–<paramref name="to"/> replaced by this melody's.
    /// </summary>
    public static Material ToMaterial(Melody melody, MelodyArrangement? arrangement, int from, int to)
    {
        var bytes = arrangement is null ? MidiMelodyWriter.ToBytes(melody) : MidiArrangement.Replace(arrangement.File, arrangement.Source, melody, from, to);
        var properties = new Dictionary<string, string>
        {
            ["notes"] = melody.NoteCount.ToString(CultureInfo.InvariantCulture),
            ["bars"] = melody.BarStarts().Count.ToString(CultureInfo.InvariantCulture),
        };
        // The line to read back as the melody (previews, a further variation): the seed's, in a kept arrangement.
        if (arrangement is not null) properties[MelodyModality.TrackProperty] = arrangement.Source.Track.ToString(CultureInfo.InvariantCulture);
        return Material.FromBytes(AudioMediaTypes.Midi, bytes, properties);
    }

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
    }
}
