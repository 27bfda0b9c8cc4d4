using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Attributes;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Audio.Melodies;

public class MelodyAttributesTests
{
    private static int On(int pitch) => MelodyEncoding.NoteOn(pitch);

    [Fact]
    public void Measures_a_window_as_a_musician_would()
    {
        var window = new long[32];
        window[0] = On(60); window[4] = On(62); window[6] = On(67); window[8] = MelodyEncoding.NoteOff; window[16] = On(64);
        var values = MelodyAttributes.Measure(window);
        Assert.Equal(2.0, values[0]);            // density: 4 notes in 2 bars
        Assert.Equal(63.25, values[1]);          // register: mean pitch
        Assert.Equal(7, values[2]);              // range: 67 − 60
        Assert.Equal(0.25, values[3]);           // syncopation: the note at step 6
        Assert.Equal(1 / 3.0, values[4], 6);     // stepwise: intervals 2, 5, 3, one of them a step
        Assert.Equal(8 / 32.0, values[5]);       // rests: steps 8–15
        var silent = MelodyAttributes.Measure(new long[32]);
        Assert.Equal(0, silent[0]);
        Assert.True(double.IsNaN(silent[1]));
        Assert.Equal(1, silent[5]);
    }

    [Fact]
    public void The_bundled_models_vectors_move_their_attribute_the_way_they_say()
    {
        using var services = new ServiceCollection().AddVaeCreative(Path.Combine(RepoPaths.Root, "models"), b => b.AddMelody()).BuildServiceProvider();
        var generator = MelodyGenerator.Open(services);
        var directions = generator.Model.Attributes!;
        Assert.Equal(["density", "register", "range", "syncopation", "stepwise", "rests"], directions.Directions.Select(d => d.Attribute.Name));
        var seed = VaeCreative.Audio.Midi.MidiMelodyReader.Read(RepoPaths.SeedMelody);
        double Mean(string name, double strength, int attribute)
        {
            var outputs = generator.Vary(seed, new VaryOptions { Count = 16, Rng = 4, Temperature = 0.2, Attributes = new Dictionary<string, double> { [name] = strength } });
            return outputs.SelectMany(m => MelodyWindows.Chunks(m)).Select(w => MelodyAttributes.Measure(w.Select(t => (long)t).ToArray())[attribute])
                .Where(v => !double.IsNaN(v)).Average();
        }
        Assert.True(Mean("density", 2, 0) > Mean("density", -2, 0) + 1, "density +2 should add over a note per bar against −2");
        Assert.True(Mean("register", 2, 1) > Mean("register", -2, 1) + 3, "register +2 should sound over 3 semitones higher than −2");
    }
}
