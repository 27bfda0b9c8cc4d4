using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Serving;

public class CoreServiceCollectionExtensionsTests
{
    [Fact]
    public void An_embedding_app_gets_the_same_generator_the_host_serves()
    {
        using var services = new ServiceCollection().AddVaeCreative(Path.Combine(RepoPaths.Root, "models"), b => b.AddMelody()).BuildServiceProvider();
        var generator = MelodyGenerator.Open(services);
        var seed = MidiMelodyReader.Read(RepoPaths.SeedMelody);
        var variations = generator.Vary(seed, new VaryOptions { Count = 3, Rng = 2 });
        Assert.Equal(3, variations.Count);
        Assert.All(variations, v => Assert.Equal(seed.Steps, v.Steps));
        Assert.Same(generator, MelodyGenerator.Open(services));
    }

    [Fact]
    public void A_bundled_model_id_resolves_to_its_folder_and_an_unknown_id_lists_the_known_ones()
    {
        using var services = new ServiceCollection().AddVaeCreative(Path.Combine(RepoPaths.Root, "models"), b => b.AddMelody()).BuildServiceProvider();
        var store = services.GetRequiredService<ModelStore>();
        Assert.Equal(RepoPaths.DefaultMelodyModel, store.Resolve("melody-2bar"));
        var e = Assert.Throws<VaeCreative.Core.Checkpoints.ModelLoadException>(() => store.Resolve("no-such-model"));
        Assert.Contains("melody-2bar", e.Message);
    }

    [Fact]
    public void Registering_one_modality_twice_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new ServiceCollection().AddVaeCreative(null, b => b.AddMelody().AddMelody()).BuildServiceProvider().GetRequiredService<ModalityRegistry>());
        Assert.Contains("melody", e.Message);
    }
}
