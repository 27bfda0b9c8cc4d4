// Runs the generator in-process from the packed VaeCreative.Core/.Audio/.Text/.Image, as their package READMEs show:
//   EmbeddingConsumer MELODY_MODEL SEED.mid TEXT_MODEL IMAGE_MODEL SEED.png
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Image;
using VaeCreative.Text;

using var services = new ServiceCollection().AddVaeCreative(null, b => b.AddMelody().AddText().AddImage()).BuildServiceProvider();

var melodies = MelodyGenerator.Open(services, args[0]);
var seed = MidiMelodyReader.Read(args[1]);
foreach (var melody in melodies.Vary(seed, new VaryOptions { Count = 3, Rng = 1 }))
    Console.WriteLine($"melody: {melody.Steps} steps, {MidiMelodyWriter.ToBytes(melody).Length} bytes of MIDI");

var store = services.GetRequiredService<ModelStore>();
var registry = services.GetRequiredService<ModalityRegistry>();
var text = registry.Generator(store.Get(args[2], TextModality.ModalityName));
var line = text.Prepare(Material.FromText("A tattered banner flaps over the gate."), "seed");
foreach (var output in text.VaryMany([new MaterialVariation(line, new VaryOptions { Count = 3, Rng = 1 })])[0])
    Console.WriteLine($"text: {output.Text}");

var images = registry.Generator(store.Get(args[3], ImageModality.ModalityName));
var sprite = images.Prepare(Material.FromBytes(ImageMediaTypes.Png, File.ReadAllBytes(args[4])), "seed");
foreach (var output in images.VaryMany([new MaterialVariation(sprite, new VaryOptions { Count = 3, Rng = 1 })])[0])
    Console.WriteLine($"image: {output.MediaType} {output.Data!.Length} bytes");
