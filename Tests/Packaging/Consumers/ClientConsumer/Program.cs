// Varies a MIDI seed through a running host with the packed VaeCreative.Client:
//   ClientConsumer SEED.mid   (VAECREATIVE_URL and VAECREATIVE_TOKEN name the host)
using System.Text;
using VaeCreative.Client;

var url = Environment.GetEnvironmentVariable("VAECREATIVE_URL") ?? throw new InvalidOperationException("set VAECREATIVE_URL");
var token = Environment.GetEnvironmentVariable("VAECREATIVE_TOKEN") ?? throw new InvalidOperationException("set VAECREATIVE_TOKEN");
using var client = new VaeCreativeClient(new Uri(url), token);
var model = (await client.ListModelsAsync()).First(m => m.Modality == "melody" && m.Default).Id;
var variations = await client.VaryMidiAsync(model, await File.ReadAllBytesAsync(args[0]), count: 3, rng: 1);
Console.WriteLine($"model {model}: {variations.Count} variations");
foreach (var midi in variations) Console.WriteLine($"{Encoding.ASCII.GetString(midi, 0, 4)} {midi.Length} bytes");
