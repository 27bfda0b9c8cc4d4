using System.Globalization;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Drums;

/// <summary>
/// Drum variations, interpolations and samples on one loaded model: the drum part of a song of any length in bar-aligned
/// windows (as melodies), through the modality-free <see cref="VariationEngine"/>, back into a drum track on channel 10
/// whose hits keep the seed's velocities where it struck the same drum at the same step.
/// </summary>
public sealed class DrumGenerator : IMaterialGenerator
{
    /// <summary>Wraps <paramref name="model"/> (a drums model: see <see cref="DrumModality.CheckCompatible"/>).</summary>
    public DrumGenerator(LoadedModel model)
    {
        DrumModality.CheckCompatible(model.Manifest, model.Directory);
        Model = model;
    }

    /// <inheritdoc />
    public LoadedModel Model { get; }

    /// <inheritdoc />
    public PreparedSeed Prepare(Material material, string field)
    {
        if (material.Data is not { } bytes)
            throw new MaterialException($"a drums model takes a MIDI file; '{field}' is {material.MediaType} text.");
        var pattern = MidiDrumReader.Read(bytes, field);
        var keep = MidiMaterialProperties.Bool(material.Properties, MidiMaterialProperties.KeepArrangement, field) ?? false;
        try
        {
            var bars = material.Properties.TryGetValue(MidiMaterialProperties.Bars, out var text) ? BarRange.Parse(text) : (BarRange?)null;
            return new DrumSeed(pattern, bars, keep ? bytes : null);
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
        return results.Select((patterns, i) => (IReadOnlyList<Material>)patterns.Select(p => ToMaterial(p, seeds[i].Arrangement, seeds[i].From, seeds[i].To)).ToList()).ToList();
    }

    /// <summary>Variations of <paramref name="seed"/>, each as long as the seed.</summary>
    public IReadOnlyList<DrumPattern> Vary(DrumPattern seed, VaryOptions options) => Vary([(new DrumSeed(seed), options)], null, CancellationToken.None)[0];

    private IReadOnlyList<IReadOnlyList<DrumPattern>> Vary(IReadOnlyList<(DrumSeed Seed, VaryOptions Options)> requests, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (requests.Count == 0) return [];
        foreach (var (_, options) in requests) options.Validate();
        var shifts = requests.Select(r => Model.AttributeShift(r.Options.Attributes)).ToArray();
        using var scope = NewDisposeScope();
        var total = requests.Sum(r => (long)r.Seed.Rows * r.Options.Count);
        return DistinctDraws.Draw(requests.Select(r => r.Options.Count).ToArray(), requests.Select(r => Key(r.Seed.Pattern.Tokens)).ToArray(), (counts, attempt) =>
        {
            var windows = WindowPasses.Run(requests.Select((r, i) => (r.Seed.Windows, counts[i])).ToList(), (i, pass, chunk) =>
                new VariationRequest(chunk, counts[i], requests[i].Options.Similarity, requests[i].Options.Temperature,
                    WindowPasses.Rng(DistinctDraws.AttemptRng(requests[i].Options.Rng, attempt), pass), requests[i].Options.TopP, shifts[i]),
                batch => Model.Engine.VaryBatch(batch.ToArray(), rejectCopies: false),
                attempt == 0 ? progress : null, total);
            return requests.Select((r, i) => windows[i].Select(w => r.Seed.Splice(MelodyWindows.Stitch(w, r.Seed.Spans))).ToList()).ToArray();
        }, p => Key(p.Tokens), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests)
        {
            r.Options.Validate();
            if (Seed(r.From).Bars is not null || Seed(r.To).Bars is not null)
                throw new MaterialException("bars applies to variations; an interpolation runs from one whole drum part to another.");
        }
        using var scope = NewDisposeScope();
        var ends = requests.Select(r =>
        {
            var (a, b) = (Seed(r.From).Pattern, Seed(r.To).Pattern);
            var length = Math.Min(a.Steps, b.Steps);
            var from = a.WithTokens(a.Tokens.Take(length).ToArray());
            var spans = MelodyWindows.Spans(from.Metre, length);
            return (From: from, Spans: spans, A: DrumSeed.Chunks(from.Tokens, spans), B: DrumSeed.Chunks(b.Tokens.Take(length).ToArray(), spans));
        }).ToArray();
        var total = requests.Select((r, i) => (long)ends[i].A.Length * r.Options.Steps).Sum();
        var windows = WindowPasses.Run(ends.Select((e, i) => (e.A, requests[i].Options.Steps)).ToList(), (i, pass, chunk) =>
            {
                var b = WindowPasses.ToTensor(ends[i].B.Skip(pass * WindowPasses.WindowsPerPass).Take((int)chunk.shape[0]).ToArray());
                var o = requests[i].Options;
                return new InterpolationRequest(chunk, b, o.Steps, o.Temperature, WindowPasses.Rng(o.Rng, pass), o.TopP);
            },
            batch => Model.Engine.InterpolateBatch(batch.ToArray()), progress, total);
        return requests.Select((r, i) => (IReadOnlyList<Material>)windows[i]
            .Select(w => ends[i].From.WithTokens(MelodyWindows.Stitch(w, ends[i].Spans)))
            .Select(p => ToMaterial(p, Seed(r.From).Arrangement, 0, p.Steps)).ToList()).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests) r.ValidateWithoutProperties(DrumModality.ModalityName);
        using var scope = NewDisposeScope();
        var outputs = Model.Engine.SampleBatch(requests.Select(r => new SampleRequest(r.Count, r.Temperature, r.Rng, r.TopP)).ToArray());
        return ToMaterial(requests.Select((r, i) => (IReadOnlyList<DrumPattern>)WindowPasses.Split(outputs[i], 1, r.Count)
            .Select(w => new DrumPattern(w[0], TempoMap.Constant(Melody.DefaultTempoQpm), MetreMap.Common)).ToList()).ToList());
    }

    /// <summary>A drum pattern as output material: MIDI bytes with its hit count and length in bars.</summary>
    public static Material ToMaterial(DrumPattern pattern) => ToMaterial(pattern, null, 0, pattern.Steps);

    /// <summary>
    /// A drum pattern as output material: a MIDI file of the drums alone, or, with <paramref name="arrangement"/> (the
    /// seed file), that file with its drum hits in steps <paramref name="from"/>–<paramref name="to"/> replaced.
    /// </summary>
    public static Material ToMaterial(DrumPattern pattern, byte[]? arrangement, int from, int to) =>
        Material.FromBytes(AudioMediaTypes.Midi, arrangement is null ? MidiDrumWriter.ToBytes(pattern) : MidiDrumArrangement.Replace(arrangement, pattern, from, to), new Dictionary<string, string>
        {
            ["hits"] = pattern.HitCount.ToString(CultureInfo.InvariantCulture),
            ["bars"] = pattern.BarStarts().Count.ToString(CultureInfo.InvariantCulture),
        });

    private static IReadOnlyList<IReadOnlyList<Material>> ToMaterial(IReadOnlyList<IReadOnlyList<DrumPattern>> results) =>
        results.Select(r => (IReadOnlyList<Material>)r.Select(ToMaterial).ToList()).ToList();

    private static string Key(IReadOnlyList<int> tokens) => string.Join(',', tokens);

    private static DrumSeed Seed(PreparedSeed seed) =>
        seed as DrumSeed ?? throw new ArgumentException($"a drums model cannot use a {seed.GetType().Name}.");
}
