using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Melodies;

/// <summary>The bundled melody model on songs of any length and metre, ranges of bars and kept arrangements.</summary>
public sealed class MelodyGeneratorTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddVaeCreative(Path.Combine(RepoPaths.Root, "models"), b => b.AddMelody()).BuildServiceProvider();

    public void Dispose() => services.Dispose();

    private MelodyGenerator Generator => MelodyGenerator.Open(services);

    private static Melody Song(int bars, TimeSignature metre, int seed)
    {
        var random = new Random(seed);
        var tokens = TestMelodies.Random(random, bars * metre.StepsPerBar);
        return new Melody(tokens, TempoMap.Constant(96), MetreMap.Constant(metre));
    }

    [Fact]
    public void A_300_bar_song_varies_whole_in_passes_and_the_same_alone_as_batched()
    {
        var song = Song(300, TimeSignature.Common, 1);
        var reports = new List<double>();
        var options = new VaryOptions { Count = 2, Rng = 5 };
        var alone = Generator.VaryMany([new MelodyVariationRequest(song, options)], new Inline(reports.Add))[0];
        Assert.All(alone, v => Assert.Equal(song.Steps, v.Steps));
        Assert.All(alone, v => Assert.NotEqual(song.Tokens, v.Tokens));
        // 150 windows in passes of 16: ten reports, rising to 1.
        Assert.Equal(10, reports.Count);
        Assert.Equal(reports.OrderBy(r => r), reports);
        Assert.Equal(1.0, reports[^1]);
        // Every pass changed something: the later passes are not copies of the seed.
        var last = alone[0].Tokens.Skip(song.Steps - 32 * 16).ToArray();
        Assert.NotEqual(song.Tokens.Skip(song.Steps - 32 * 16).ToArray(), last);

        var shortSong = Song(8, TimeSignature.Common, 2);
        var batched = Generator.VaryMany([new MelodyVariationRequest(shortSong, options with { Rng = 9 }), new MelodyVariationRequest(song, options)]);
        Assert.Equal(alone.Select(m => m.Tokens), batched[1].Select(m => m.Tokens));
        Assert.Equal(Generator.Vary(shortSong, options with { Rng = 9 }).Select(m => m.Tokens), batched[0].Select(m => m.Tokens));
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(6, 8)]
    public void A_seed_in_three_or_six_keeps_its_metre_and_its_bars(int numerator, int denominator)
    {
        var metre = new TimeSignature(numerator, denominator);
        var song = Song(16, metre, 3);
        var variations = Generator.Vary(song, new VaryOptions { Count = 3, Rng = 1 });
        Assert.All(variations, v =>
        {
            Assert.Equal(song.Steps, v.Steps);
            Assert.Equal(metre, v.TimeSignature);
        });
        var back = MidiMelodyReader.Read(MidiMelodyWriter.ToBytes(variations[0]), "out.mid");
        Assert.Equal(metre, back.TimeSignature);
        Assert.Equal(96, back.TempoQpm, 1);
    }

    [Fact]
    public void Bars_outside_the_range_stay_as_they_were()
    {
        var song = Song(12, new TimeSignature(3, 4), 4);
        var variations = Generator.VaryMany([new MelodyVariationRequest(song, new VaryOptions { Count = 4, Rng = 2 }, BarRange.Parse("5-8"))])[0];
        var (from, to) = (48, 96);
        Assert.All(variations, v =>
        {
            Assert.Equal(song.Tokens.Take(from), v.Tokens.Take(from));
            Assert.Equal(song.Tokens.Skip(to + 1), v.Tokens.Skip(to + 1));
            Assert.NotEqual(song.Tokens.Skip(from).Take(to - from), v.Tokens.Skip(from).Take(to - from));
        });
    }

    [Fact]
    public void Material_with_keep_arrangement_comes_back_as_the_seed_file_with_a_new_melody()
    {
        var file = TestSongs.Arrangement(1, 96, bars: 20, 3, 4);
        var material = Material.FromBytes(AudioMediaTypes.Midi, file, new Dictionary<string, string> { [MelodyModality.KeepArrangementProperty] = "true" });
        var seed = Generator.Prepare(material, "song.mid");
        Assert.Equal(10, seed.Rows); // 20 waltz bars, two a window
        var output = Generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 1, Rng = 3 })])[0][0];
        Assert.Equal(TestSongs.MelodyTrack.ToString(), output.Properties[MelodyModality.TrackProperty]);
        var before = TestSongs.Mido(file);
        var after = TestSongs.Mido(output.Data!);
        Assert.Equal(before.Tracks.Count, after.Tracks.Count);
        Assert.Equal(before.Tracks[2], after.Tracks[2]);
        Assert.Equal(before.Tracks[3], after.Tracks[3]);
        Assert.NotEqual(before.Tracks[1], after.Tracks[1]);
    }

    [Fact]
    public void An_interpolation_keeps_the_start_files_arrangement()
    {
        var from = TestSongs.Arrangement(1, 120, bars: 8, 3, 4, seed: 1);
        var to = TestSongs.Arrangement(1, 96, bars: 6, 3, 4, seed: 2);
        var keep = new Dictionary<string, string> { [MelodyModality.KeepArrangementProperty] = "true" };
        var outputs = Generator.InterpolateMany([new MaterialInterpolation(
            Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, from, keep), "from.mid"),
            Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, to), "to.mid"),
            new InterpolateOptions { Steps = 3 })])[0];
        Assert.Equal(3, outputs.Count);
        var before = TestSongs.Mido(from);
        foreach (var output in outputs)
        {
            var after = TestSongs.Mido(output.Data!);
            Assert.Equal(120, after.TicksPerBeat);
            Assert.Equal(before.Tracks[0], after.Tracks[0]);
            Assert.Equal(before.Tracks[2], after.Tracks[2]);
            Assert.Equal(before.Tracks[3], after.Tracks[3]);
        }
        // Each point's melody, read back from the kept arrangement, is the interpolation's (6 bars: the shorter end's length).
        var melodies = Generator.Interpolate(MidiMelodyReader.Read(from, "from"), MidiMelodyReader.Read(to, "to"), new InterpolateOptions { Steps = 3 });
        for (var i = 0; i < 3; i++)
            Assert.Equal(melodies[i].Tokens, MidiMelodyReader.Read(outputs[i].Data!, "point").Tokens.Take(6 * 12));
    }

    [Fact]
    public void An_output_fed_back_with_its_properties_is_varied_whole()
    {
        var file = TestSongs.Arrangement(1, 96, bars: 12);
        var seed = Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, file, new Dictionary<string, string> { [MelodyModality.KeepArrangementProperty] = "true" }), "song.mid");
        var output = Generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 1 })])[0][0];
        Assert.Equal("12", output.Properties["bars"]); // a count, not a range to vary
        var again = (MelodySeed)Generator.Prepare(output, "output");
        Assert.Equal(seed.Rows, again.Rows);
        Assert.Null(again.Bars);
    }

    [Fact]
    public void A_bad_range_or_flag_names_the_seed()
    {
        var file = TestSongs.Arrangement(1, 96, bars: 4);
        var bars = Assert.Throws<MaterialException>(() => Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, file, new Dictionary<string, string> { [MelodyModality.BarsProperty] = "3-9" }), "song.mid"));
        Assert.Equal("song.mid: bars 3-9: the melody has 4 bars (4/4).", bars.Message);
        var flag = Assert.Throws<MaterialException>(() => Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, file, new Dictionary<string, string> { [MelodyModality.KeepArrangementProperty] = "maybe" }), "song.mid"));
        Assert.Equal("song.mid: 'keepArrangement' must be true or false; got 'maybe'.", flag.Message);
    }

    private sealed class Inline(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
