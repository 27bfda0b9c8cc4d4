using System.Text;
using VaeCreative.Audio.Melodies;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Serving;
using VaeCreative.Host;
using VaeCreative.Host.Composition;
using VaeCreative.Host.Server;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Modalities;

/// <summary>
/// A modality the host and the CLI have never heard of (<see cref="BitsModality"/>, defined in the tests) is trained,
/// evaluated, varied, interpolated and sampled through the CLI's commands and served by the host, registered with
/// one line: the seam is where it should be.
/// </summary>
[Collection(RunsAlone.Name)] // the CLI commands write to Console.Out
public class ModalitySeamTests
{
    private static void AddBits(VaeCreativeBuilder b) => b.AddMelody().AddModality(new BitsModality());

    private static int Cli(string models, params string[] args)
    {
        using var services = HostServices.Build(models, AddBits);
        var root = Program.BuildRoot(services);
        var parse = root.Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        try { return parse.Invoke(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }); }
        catch (Exception e) { return Program.Report(e, verbose: false); }
    }

    [Fact]
    public async Task A_modality_registered_in_one_line_trains_generates_and_is_served_without_host_or_cli_changes()
    {
        using var dir = new TempDir();
        var data = dir.File("patterns.txt");
        File.WriteAllLines(data, Enumerable.Range(0, 64).Select(i => Convert.ToString(i * 37 % 256, 2).PadLeft(8, '0')));
        var models = Path.Combine(dir.Path, "models");
        var model = Path.Combine(models, "bits-default");

        Assert.Equal(0, Cli(models, "train", "--modality", "bits", "--data", data, "--out", model, "--steps", "12", "--rng", "1"));
        Assert.True(File.Exists(Path.Combine(model, "manifest.json")));
        Assert.Equal(0, Cli(models, "eval", "--model", model, "--data", data, "--json"));

        var seed = dir.File("seed.bits");
        File.WriteAllText(seed, "01100101");
        var outDir = Path.Combine(dir.Path, "out");
        Assert.Equal(0, Cli(models, "vary", "--model", "bits-default", "--seed", seed, "--count", "4", "--out", outDir, "--invert", "true"));
        var variations = Directory.GetFiles(outDir, "seed-var*.bits").Order().ToList();
        Assert.Equal(4, variations.Count);
        Assert.All(variations, v => Assert.Matches("^[01]{8}$", File.ReadAllText(v)));
        Assert.Equal(0, Cli(models, "sample", "--model", model, "--count", "3", "--out", Path.Combine(dir.Path, "samples")));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir.Path, "samples"), "sample*.bits").Length);
        // Without --model the seed's extension picks the modality's default model (bits-default in the models folder).
        Assert.Equal(0, Cli(models, "interpolate", "--from", seed, "--to", variations[0], "--steps", "3", "--out", Path.Combine(dir.Path, "interp")));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir.Path, "interp"), "interp*.bits").Length);
        // Another modality's option and another modality's seed are refused in one line.
        Assert.Equal(2, Cli(models, "vary", "--model", model, "--seed", seed, "--out", outDir, "--force", "--track", "1"));
        Assert.Equal(1, Cli(models, "vary", "--model", model, "--seed", RepoPaths.SeedMelody, "--out", outDir, "--force"));

        await using var host = await RunningHost.Start(o => o with { ModelsDirectory = models, Modalities = AddBits });
        var listed = await host.Client.ListModelsAsync();
        Assert.Contains(listed, m => m.Id == "bits-default" && m.Modality == "bits");
        var response = await host.Client.VaryAsync("bits-default", new VariationsRequest { Seed = Material.FromBytes(BitsModality.MediaType, Encoding.ASCII.GetBytes("01100101")), Count = 3 });
        Assert.Equal(3, response.Outputs.Count);
        Assert.All(response.Outputs, o => Assert.Equal(BitsModality.MediaType, o.MediaType));
        // A seed the modality refuses is a bad-seed problem; a MIDI seed for this model too.
        var bad = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryAsync("bits-default", new VariationsRequest { Seed = Material.FromText("0110") }));
        Assert.Equal(ProblemTypes.BadSeed, bad.Problem?.Type);
        bad = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryAsync("bits-default", new VariationsRequest { Seed = Material.FromMidi(File.ReadAllBytes(RepoPaths.SeedMelody)) }));
        Assert.Equal(ProblemTypes.BadSeed, bad.Problem?.Type);
    }
}
