using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio;
using VaeCreative.Audio.Drums;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Drums;

/// <summary>The bundled drums model on the drum parts of songs.</summary>
public sealed class DrumGeneratorTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddVaeCreative(Path.Combine(RepoPaths.Root, "models"), b => b.AddDrums()).BuildServiceProvider();

    public void Dispose() => services.Dispose();

    private IMaterialGenerator Generator =>
        services.GetRequiredService<ModalityRegistry>().Generator(services.GetRequiredService<ModelStore>().Get("drums-2bar", DrumModality.ModalityName));

    [Fact]
    public void The_drum_part_of_a_whole_song_varies_into_drums_on_channel_10_keeping_the_seeds_accents()
    {
        var song = TestSongs.Arrangement(1, 120, bars: 40, 3, 4);
        var seed = (DrumSeed)Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, song), "song.mid");
        Assert.Equal(20, seed.Rows); // two waltz bars a window
        var outputs = Generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 3, Rng = 2 })])[0];
        Assert.Equal(3, outputs.Select(o => Convert.ToBase64String(o.Data!)).Distinct().Count());
        foreach (var output in outputs)
        {
            var pattern = MidiDrumReader.Read(output.Data!, "out.mid");
            Assert.Equal(seed.Pattern.Steps, pattern.Steps);
            Assert.Equal(new TimeSignature(3, 4), pattern.Metre.Initial);
            Assert.NotEqual(seed.Pattern.Tokens, pattern.Tokens);
            // Where the variation strikes the kick on a beat the seed struck it, it strikes it as hard.
            for (var t = 0; t < pattern.Steps; t++)
                if (DrumEncoding.Strikes(pattern.Tokens[t], 0) && DrumEncoding.Strikes(seed.Pattern.Tokens[t], 0))
                    Assert.Equal(seed.Pattern.Velocities[t][0], pattern.Velocities[t][0]);
            var mido = TestSongs.Mido(output.Data!);
            Assert.All(mido.Tracks.SelectMany(t => t).Where(m => m.Text.Contains("\"note_on\"")), m => Assert.Contains("\"channel\": 9,", m.Text));
        }
    }

    [Fact]
    public void Samples_and_interpolations_are_drum_grooves()
    {
        var samples = Generator.SampleMany([new SampleOptions { Count = 4, Rng = 1 }])[0];
        Assert.All(samples, s => Assert.Equal(32, MidiDrumReader.Read(s.Data!, "sample.mid").Steps));
        var a = Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, File.ReadAllBytes(RepoPaths.SeedDrums)), "seed");
        var b = Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, TestSongs.Arrangement(1, 96, bars: 4)), "song");
        var path = Generator.InterpolateMany([new MaterialInterpolation(a, b, new InterpolateOptions { Steps = 4 })])[0];
        Assert.Equal(4, path.Count);
        Assert.All(path, p => Assert.Equal(64, MidiDrumReader.Read(p.Data!, "point.mid").Steps));
    }

    [Fact]
    public void A_song_without_drums_is_refused_in_one_line()
    {
        var e = Assert.Throws<MidiReadException>(() => Generator.Prepare(Material.FromBytes(AudioMediaTypes.Midi, File.ReadAllBytes(RepoPaths.SeedMelody)), "tune.mid"));
        Assert.Equal("tune.mid: has no drums (no notes on channel 10)", e.Message);
    }
}
