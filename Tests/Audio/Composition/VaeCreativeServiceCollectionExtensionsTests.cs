using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Composition;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Composition;

public class VaeCreativeServiceCollectionExtensionsTests
{
    [Fact]
    public void An_embedding_app_gets_the_same_generator_the_host_serves()
    {
        using var services = new ServiceCollection().AddVaeCreative(Path.Combine(RepoPaths.Root, "models")).BuildServiceProvider();
        var generator = services.GetRequiredService<MelodyGenerator>();
        var seed = MidiMelodyReader.Read(RepoPaths.SeedMelody);
        var variations = generator.Vary(seed, new VaryOptions { Count = 3, Rng = 2 });
        Assert.Equal(3, variations.Count);
        Assert.All(variations, v => Assert.Equal(seed.Steps, v.Steps));
        Assert.Same(generator, services.GetRequiredService<MelodyGenerator>());
    }
}
