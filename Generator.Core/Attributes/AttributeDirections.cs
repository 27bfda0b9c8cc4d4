using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Core.Attributes;

/// <summary>
/// Attribute vectors (MusicVAE, Roberts et al. 2018, §5.4): for each attribute, the mean latent code of training rows
/// in its top quarter minus that of its bottom quarter. Adding a multiple of one to a seed's code moves the decoded
/// material along that attribute (busier, higher, more leaps) while keeping the rest of the seed. Stored beside the
/// model as <see cref="FileName"/>. Immutable.
/// </summary>
public sealed class AttributeDirections
{
    /// <summary>File in the model directory.</summary>
    public const string FileName = "attributes.json";

    /// <summary>Largest strength a request may give (a strength of 1 moves a code by one full vector).</summary>
    public const double MaxStrength = 8;

    /// <summary>Wraps computed or loaded directions; every vector must have <paramref name="latentSize"/> entries.</summary>
    public AttributeDirections(int latentSize, IReadOnlyList<AttributeDirection> directions)
    {
        if (latentSize < 1) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "latent size must be at least 1.");
        foreach (var d in directions)
            if (d.Vector.Length != latentSize)
                throw new ArgumentException($"attribute '{d.Attribute.Name}' has a {d.Vector.Length}-entry vector; the latent space has {latentSize}.", nameof(directions));
        LatentSize = latentSize;
        Directions = directions;
    }

    /// <summary>The model's latent size.</summary>
    public int LatentSize { get; }

    /// <summary>The directions, one per attribute.</summary>
    public IReadOnlyList<AttributeDirection> Directions { get; }

    /// <summary>The attribute names, comma-separated (for messages).</summary>
    public string Names => string.Join(", ", Directions.Select(d => d.Attribute.Name));

    /// <summary>
    /// The latent shift for <paramref name="strengths"/> (name → multiple of its vector), or null when none is given;
    /// an <see cref="ArgumentException"/> naming the known attributes for an unknown name or a strength out of range.
    /// </summary>
    public float[]? Shift(IReadOnlyDictionary<string, double> strengths)
    {
        Check(strengths);
        if (strengths.Count == 0) return null;
        var shift = new float[LatentSize];
        foreach (var (name, strength) in strengths)
        {
            var vector = Directions.First(d => d.Attribute.Name == name).Vector;
            for (var j = 0; j < LatentSize; j++) shift[j] += (float)(strength * vector[j]);
        }
        return shift;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for an unknown attribute or a strength outside ±<see cref="MaxStrength"/>.</summary>
    public void Check(IReadOnlyDictionary<string, double> strengths)
    {
        foreach (var (name, strength) in strengths)
        {
            if (Directions.All(d => d.Attribute.Name != name))
                throw new ArgumentException($"this model has no attribute '{name}'; it has {Names}.");
            CheckStrength(name, strength);
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="strength"/> is within ±<see cref="MaxStrength"/>.</summary>
    public static void CheckStrength(string name, double strength)
    {
        if (!(Math.Abs(strength) <= MaxStrength))
            throw new ArgumentOutOfRangeException(nameof(strength), strength,
                string.Create(CultureInfo.InvariantCulture, $"attribute '{name}' strength must be between -{MaxStrength} and {MaxStrength}; got {strength}."));
    }

    /// <summary>
    /// Computes the directions on (up to <paramref name="maxExamples"/> of) <paramref name="data"/>: encodes every row to
    /// its posterior mean, measures it, and for each attribute averages the codes of the rows ranked in its top and
    /// bottom quarters (ties broken by row order, so the split is deterministic). Rows without a value are left out.
    /// </summary>
    public static AttributeDirections Compute(VariationEngine engine, ITrainingData data, IAttributeMeasures measures, int maxExamples = 50_000,
        Action<string>? log = null, int batchSize = 512)
    {
        var rows = Math.Min(data.Count, maxExamples);
        if (rows < 8) throw new TrainingDataException($"attribute directions need at least 8 examples; the data has {rows}.");
        var attributes = measures.Attributes;
        var codes = new float[rows][];
        var values = new double[rows][];
        for (var start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(batchSize, rows - start)).ToArray();
            var batch = data.Batch(indices, null);
            var (mean, _) = engine.Encode(batch);
            var flat = mean.contiguous().data<float>().ToArray();
            var size = (int)mean.shape[1];
            var measured = measures.Measure(batch);
            for (var k = 0; k < indices.Length; k++)
            {
                codes[start + k] = flat.AsSpan(k * size, size).ToArray();
                values[start + k] = measured[k];
            }
            log?.Invoke($"attributes: encoded {start + indices.Length}/{rows} examples");
        }
        var latent = codes[0].Length;
        var directions = new List<AttributeDirection>();
        for (var a = 0; a < attributes.Count; a++)
        {
            var measuredRows = Enumerable.Range(0, rows).Where(r => !double.IsNaN(values[r][a])).OrderBy(r => values[r][a]).ThenBy(r => r).ToList();
            if (measuredRows.Count < 8) throw new TrainingDataException($"attribute '{attributes[a].Name}' has a value on {measuredRows.Count} examples; at least 8 are needed.");
            var quarter = measuredRows.Count / 4;
            var low = measuredRows.Take(quarter).ToList();
            var high = measuredRows.Skip(measuredRows.Count - quarter).ToList();
            var vector = new float[latent];
            foreach (var r in high) for (var j = 0; j < latent; j++) vector[j] += codes[r][j] / high.Count;
            foreach (var r in low) for (var j = 0; j < latent; j++) vector[j] -= codes[r][j] / low.Count;
            var all = measuredRows.Select(r => values[r][a]).ToList();
            var mean = all.Average();
            var sd = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / all.Count);
            directions.Add(new AttributeDirection(attributes[a], vector, low.Average(r => values[r][a]), high.Average(r => values[r][a]), mean, sd, all.Count));
        }
        return new AttributeDirections(latent, directions);
    }

    /// <summary>The directions stored in <paramref name="modelDirectory"/>, or null when it has none; a <see cref="ModelLoadException"/> when the file is damaged.</summary>
    public static AttributeDirections? Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var latent = root["latentSize"]!.GetValue<int>();
            var directions = root["attributes"]!.AsArray().Select(n => new AttributeDirection(
                new LatentAttribute(n!["name"]!.GetValue<string>(), n["description"]?.GetValue<string>() ?? ""),
                n["vector"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
                n["low"]!.GetValue<double>(), n["high"]!.GetValue<double>(), n["mean"]!.GetValue<double>(), n["stdDev"]!.GetValue<double>(),
                n["examples"]!.GetValue<int>())).ToList();
            return new AttributeDirections(latent, directions);
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelLoadException($"'{path}' is damaged ({e.Message.Split('\n')[0]}); recompute it with vaecreative attributes.", e);
        }
    }

    /// <summary>Writes <see cref="FileName"/> into <paramref name="modelDirectory"/> atomically.</summary>
    public void Save(string modelDirectory)
    {
        var root = new JsonObject
        {
            ["latentSize"] = LatentSize,
            ["method"] = "mean posterior mean of the top quarter minus that of the bottom quarter (MusicVAE attribute vectors)",
            ["attributes"] = new JsonArray(Directions.Select(d => (JsonNode)new JsonObject
            {
                ["name"] = d.Attribute.Name,
                ["description"] = d.Attribute.Description,
                ["low"] = d.Low,
                ["high"] = d.High,
                ["mean"] = d.Mean,
                ["stdDev"] = d.StdDev,
                ["examples"] = d.Examples,
                ["vector"] = new JsonArray(d.Vector.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            }).ToArray()),
        };
        AtomicFile.WriteAllText(Path.Combine(modelDirectory, FileName), root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
    }
}
