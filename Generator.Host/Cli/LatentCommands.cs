using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>encode</c> and <c>decode</c>: a seed's latent codes to a safetensors file and back (<see cref="LatentCodes"/>),
/// for modalities whose codes mean something outside the model (images: a Stable Diffusion VAE's latents go on to
/// other tools, and theirs come back).
/// </summary>
public static class LatentCommands
{
    /// <summary><c>vaecreative encode</c>.</summary>
    public static Command Encode(IServiceProvider services)
    {
        var seed = new Option<string>("--seed") { Description = "The file to encode (an image for image models).", Required = true };
        var model = new Option<string?>("--model") { Description = "A bundled model id, a model directory, or a Stable Diffusion VAE (a diffusers folder or one .safetensors file). Default: the seed's modality's bundled model." };
        var output = new Option<string>("--out") { Description = "The latent file to write (.safetensors): latent_tensor (the posterior mean), latent_std, and metadata naming the model.", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing --out." };
        var json = new Option<bool>("--json") { Description = "Print {\"latent\": PATH, \"shape\": [...]} on stdout." };
        var command = new Command("encode", "Encode a seed to its latent codes in a safetensors file (image models; ComfyUI's LoadLatent reads it too).") { seed, model, output, force, json };
        command.SetAction(p =>
        {
            var file = p.GetValue(seed)!;
            var outPath = Path.GetFullPath(p.GetValue(output)!);
            CheckOut(outPath, p.GetValue(force));
            var (generator, modality) = GenerateCommands.Open(services, p.GetValue(model), file, null, "--seed", "", InferencePrecisionNames.Float32);
            var seeds = GenerateCommands.Seeds(services, modality, file, null, "--seed", "", new Dictionary<string, string>());
            if (seeds.Count != 1) throw new CliException($"'{file}' holds {seeds.Count} seeds; encode takes one.", 2);
            var codes = Supported(() => generator.Encode(generator.Prepare(seeds[0].Material, seeds[0].Field)));
            codes.Write(outPath, modality.Name, generator.Model.Directory);
            if (p.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { latent = outPath, shape = codes.Mean.shape }));
            else
                Terminal.Error.Line($"wrote {outPath}: latent [{string.Join(", ", codes.Mean.shape)}]");
            return 0;
        });
        return command;
    }

    /// <summary><c>vaecreative decode</c>.</summary>
    public static Command Decode(IServiceProvider services)
    {
        var latent = new Option<string>("--latent") { Description = "A latent file (.safetensors) from encode, or ComfyUI's SaveLatent.", Required = true };
        var model = new Option<string?>("--model") { Description = "The model to decode with. Default: the one the file names." };
        var output = new Option<string>("--out") { Description = "Where the output goes (one row: this file; several: NAME-1.png, NAME-2.png, …).", Required = true };
        var temperature = new Option<double>("--temperature") { Description = "Decoding temperature (0: each pixel's mode; 0–10).", DefaultValueFactory = _ => 0 };
        var rng = new Option<long>("--rng") { Description = "Random seed for a temperature above 0.", DefaultValueFactory = _ => 0 };
        var force = new Option<bool>("--force") { Description = "Overwrite existing outputs." };
        var json = new Option<bool>("--json") { Description = "Print {\"outputs\": [...]} on stdout." };
        var command = new Command("decode", "Decode a latent file (from encode, or ComfyUI's SaveLatent) back to material with a model.") { latent, model, output, temperature, rng, force, json };
        command.SetAction(p =>
        {
            GenerationLimits.CheckTemperature(p.GetValue(temperature));
            var (codes, modalityName, modelName) = LatentCodes.Read(p.GetValue(latent)!);
            var chosen = p.GetValue(model) ?? modelName
                ?? throw new CliException($"'{p.GetValue(latent)}' does not name the model that made it; pass --model.", 2);
            var store = services.GetRequiredService<ModelStore>();
            var registry = services.GetRequiredService<ModalityRegistry>();
            LoadedModel loaded;
            try { loaded = store.Get(store.Resolve(chosen)); }
            catch (ModelLoadException e) when (p.GetValue(model) is null)
            {
                throw new CliException($"the latent names the model '{chosen}', which cannot be loaded here ({e.Message.TrimEnd('.')}); pass --model.", 1);
            }
            if (modalityName is not null && modalityName != loaded.Manifest.Modality)
                throw new CliException($"the latent was made by a {modalityName} model; '{chosen}' is a {loaded.Manifest.Modality} model.", 2);
            var generator = registry.Generator(loaded);
            var outputs = Supported(() => generator.Decode(codes, p.GetValue(temperature), p.GetValue(rng)));
            var outPath = Path.GetFullPath(p.GetValue(output)!);
            var paths = outputs.Count == 1
                ? [outPath]
                : outputs.Select((_, i) => Path.Combine(Path.GetDirectoryName(outPath)!, $"{Path.GetFileNameWithoutExtension(outPath)}-{i + 1}{Path.GetExtension(outPath)}")).ToList();
            OutputFiles.EnsureWritable(paths, p.GetValue(force));
            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            for (var i = 0; i < outputs.Count; i++) AtomicFile.WriteAllBytes(paths[i], outputs[i].Data ?? System.Text.Encoding.UTF8.GetBytes(outputs[i].Text ?? ""));
            if (p.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(new { outputs = paths }));
            else Terminal.Error.Line($"wrote {string.Join(", ", paths)}");
            return 0;
        });
        return command;
    }

    private static void CheckOut(string path, bool force)
    {
        if (Directory.Exists(path)) throw new CliException($"--out '{path}' is a folder; give the latent file's name.", 2);
        OutputFiles.EnsureWritable([path], force);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    }

    private static T Supported<T>(Func<T> work)
    {
        try { return work(); }
        catch (NotSupportedException e) { throw new CliException(e.Message, 2); }
    }
}
