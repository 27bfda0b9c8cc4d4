// Round trip: MIDI file -> running VaeCreative host -> N variation MIDI files.
//   dotnet run --project samples/ConsoleRoundTrip -- SEED.mid [OUT_DIR] [COUNT]
// Finds the host through its connection file (start it with `./vaecreative serve`).
using VaeCreative.Client;

if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: ConsoleRoundTrip SEED.mid [OUT_DIR] [COUNT]");
    return 2;
}
var seedPath = args[0];
var outDir = args.Length > 1 ? args[1] : Path.GetDirectoryName(Path.GetFullPath(seedPath))!;
var count = args.Length > 2 ? int.Parse(args[2]) : 8;
try
{
    using var client = VaeCreativeClient.FromConnectionFile();
    var models = await client.ListModelsAsync();
    var model = models.First(m => m.Modality == "melody" && m.Default).Id;
    var outputs = await client.VaryMidiAsync(model, await File.ReadAllBytesAsync(seedPath), count, rng: 1);
    Directory.CreateDirectory(outDir);
    for (var i = 0; i < outputs.Count; i++)
    {
        var path = Path.Combine(outDir, $"{Path.GetFileNameWithoutExtension(seedPath)}-variation-{i + 1}.mid");
        if (File.Exists(path))
        {
            Console.Error.WriteLine($"{path} exists; not overwriting it.");
            return 1;
        }
        await File.WriteAllBytesAsync(path, outputs[i]);
        Console.WriteLine(path);
    }
    return 0;
}
catch (VaeCreativeException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
