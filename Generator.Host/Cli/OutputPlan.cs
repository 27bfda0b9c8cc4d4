using System.Globalization;
using System.Text;
using System.Text.Json;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Host.Cli;

/// <summary>
/// Where a generating command's outputs go, decided (and checked against overwriting) before any model work:
/// binary outputs (MIDI, …) become numbered files in the --out folder; text outputs are printed, or written to the
/// --out file one per line. A modality that shows its outputs together (<see cref="IOutputOverview"/>: images' contact
/// sheets) also gets that file, <c>{sheet}{extension}</c>, beside them.
/// </summary>
public sealed class OutputPlan
{
    private readonly IModality modality;
    private readonly string? textFile;
    private readonly IReadOnlyList<string> paths;
    private readonly string? sheetPath;
    private readonly int? sheetColumns;
    private readonly IOutputPreview? preview;

    private OutputPlan(IModality modality, string? textFile, IReadOnlyList<string> paths, string? sheetPath = null, int? sheetColumns = null, IOutputPreview? preview = null)
    {
        this.modality = modality;
        this.textFile = textFile;
        this.paths = paths;
        this.sheetPath = sheetPath;
        this.sheetColumns = sheetColumns;
        this.preview = preview;
    }

    /// <summary>The preview files of output file <paramref name="path"/>: its name with each preview format's extension.</summary>
    private static IEnumerable<string> PreviewPaths(string path, IOutputPreview preview) =>
        preview.PreviewFormats.Select(f => Path.ChangeExtension(path, f.Extensions[0]));

    private bool Text => modality.Formats[0].MediaType.StartsWith("text/", StringComparison.Ordinal);

    /// <summary>
    /// The plan for <paramref name="total"/> outputs of <paramref name="modality"/>; files are named
    /// <c>{prefix}{NN}{extension}</c>, and the overview (for modalities that make one) <c>{sheet}{extension}</c> in
    /// <paramref name="sheetColumns"/> columns (null: a square grid). Throws <see cref="CliException"/> when --out is
    /// missing for files, or names files that exist and <paramref name="force"/> is not set. With
    /// <paramref name="withPreviews"/>, each output also gets the modality's previews (<see cref="IOutputPreview"/>)
    /// beside it, under the same name with their own extensions.
    /// </summary>
    public static OutputPlan For(IModality modality, string? output, bool force, string prefix, int total, string? sheet = null, int? sheetColumns = null,
        bool withPreviews = false)
    {
        var format = modality.Formats[0];
        IOutputPreview? preview = null;
        if (withPreviews)
        {
            preview = modality as IOutputPreview ?? throw new CliException($"--preview: {modality.Name} models have no previews (their outputs are {format.MediaType} already).", 2);
            preview.CheckAvailable();
        }
        if (format.MediaType.StartsWith("text/", StringComparison.Ordinal))
        {
            if (output is not null)
            {
                if (Directory.Exists(output)) throw new CliException($"--out '{output}' is a folder; text outputs are written to one file (or printed without --out).", 2);
                OutputFiles.EnsureWritable([output], force);
            }
            return new OutputPlan(modality, output, []);
        }
        if (output is null) throw new CliException($"--out FOLDER is required: {modality.Name} outputs are {format.MediaType} files.", 2);
        var paths = Enumerable.Range(1, Math.Max(0, total)).Select(i => Path.Combine(output, $"{prefix}{i:00}{format.Extensions[0]}")).ToList();
        var sheetPath = modality is IOutputOverview && sheet is not null ? Path.Combine(output, sheet + format.Extensions[0]) : null;
        var previews = preview is null ? [] : paths.SelectMany(p => PreviewPaths(p, preview)).ToList();
        OutputFiles.EnsureWritable([.. paths, .. previews, .. sheetPath is null ? Array.Empty<string>() : [sheetPath]], force);
        return new OutputPlan(modality, null, paths, sheetPath, sheetColumns, preview);
    }

    /// <summary>Writes or prints <paramref name="results"/> (one list per seed: <paramref name="seeds"/> when they are shown against their outputs); returns the exit code.</summary>
    public int Write(IReadOnlyList<Material> seeds, IReadOnlyList<IReadOnlyList<Material>> results, bool json, string what, (int Copies, int Outputs)? copies = null)
    {
        var outputs = results.SelectMany(r => r).ToList();
        if (Text)
        {
            var texts = outputs.Select(o => o.Text ?? "").ToList();
            if (textFile is not null)
            {
                AtomicFile.WriteAllText(textFile, string.Concat(texts.Select(t => t + "\n")));
                Terminal.Error.Line(string.Create(CultureInfo.InvariantCulture, $"wrote {texts.Count} {what}(s) to {Path.GetFullPath(textFile)}"));
            }
            if (json)
            {
                object document = seeds.Count > 1
                    ? new { results = seeds.Select((s, i) => new { seed = s.Text, outputs = results[i].Select(o => o.Text).ToList() }).ToList(), copies = copies?.Copies }
                    : new { outputs = texts, copies = copies?.Copies };
                Console.Out.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
            }
            else if (textFile is null)
            {
                Console.OutputEncoding = Encoding.UTF8;
                foreach (var t in texts) Console.Out.WriteLine(t);
            }
            return 0;
        }
        for (var i = 0; i < outputs.Count; i++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(paths[i]))!);
            var bytes = outputs[i].Data!;
            AtomicFile.Write(paths[i], temp => File.WriteAllBytes(temp, bytes));
        }
        var full = paths.Take(outputs.Count).Select(Path.GetFullPath).ToList();
        List<List<string>>? previewFiles = null;
        if (preview is not null)
        {
            previewFiles = [];
            var index = 0;
            for (var group = 0; group < results.Count; group++)
                foreach (var output in results[group])
                {
                    var seed = seeds.Count == results.Count ? seeds[group] : null;
                    var made = preview.Preview(seed, output);
                    var files = PreviewPaths(full[index++], preview).ToList();
                    for (var k = 0; k < made.Count; k++)
                    {
                        var bytes = made[k].Data!;
                        AtomicFile.Write(files[k], temp => File.WriteAllBytes(temp, bytes));
                    }
                    previewFiles.Add(files);
                }
        }
        string? sheet = null;
        if (sheetPath is not null && modality is IOutputOverview overview && outputs.Count > 0)
        {
            // One seed's variations show the seed first; several seeds' (or no seed's) outputs are shown on their own.
            var composed = overview.Compose(seeds.Count == 1 ? seeds[0] : null, outputs, sheetColumns);
            AtomicFile.Write(sheetPath, temp => File.WriteAllBytes(temp, composed.Data!));
            sheet = Path.GetFullPath(sheetPath);
        }
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { outputs = full, sheet, previews = previewFiles },
                new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
        }
        else
        {
            for (var i = 0; i < full.Count; i++)
            {
                Console.Out.WriteLine(full[i]);
                foreach (var file in previewFiles?[i] ?? []) Console.Out.WriteLine(file);
            }
            if (sheet is not null) Console.Out.WriteLine(sheet);
            Terminal.Error.Line(string.Create(CultureInfo.InvariantCulture, $"wrote {full.Count} {what} file(s) to {Path.GetDirectoryName(full[0])}")
                + (sheet is null ? "" : $", and {Path.GetFileName(sheet)} showing them together"));
        }
        return 0;
    }
}
