using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Core.Attributes;

/// <summary>
/// Attribute vectors: directions in latent space along which decoded material gets busier, higher, more leaping.
/// Adding a multiple of one to a seed's code moves the output along that attribute while keeping the rest of the seed.
/// Computed from training rows by <see cref="AttributeMethod"/>; stored beside the model as <see cref="FileName"/>.
/// Immutable.
/// </summary>
public sealed class AttributeDirections
{
    /// <summary>File in the model directory.</summary>
    public const string FileName = "attributes.json";

    /// <summary>Largest strength a request may give (a strength of 1 moves a code by one full vector).</summary>
    public const double MaxStrength = 8;

    /// <summary>Wraps computed or loaded directions; every vector must have <paramref name="latentSize"/> entries.</summary>
    public AttributeDirections(int latentSize, IReadOnlyList<AttributeDirection> directions, AttributeMethod method = AttributeMethod.Regression)
    {
        Method = method;
        if (latentSize < 1) throw new ArgumentOutOfRangeException(nameof(latentSize), latentSize, "latent size must be at least 1.");
        foreach (var d in directions)
            if (d.Vector.Length != latentSize)
                throw new ArgumentException($"attribute '{d.Attribute.Name}' has a {d.Vector.Length}-entry vector; the latent space has {latentSize}.", nameof(directions));
        LatentSize = latentSize;
        Directions = directions;
    }

    /// <summary>The model's latent size.</summary>
    public int LatentSize { get; }

    /// <summary>How the vectors were computed.</summary>
    public AttributeMethod Method { get; }

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
    /// its posterior mean, measures it, and derives one vector per attribute by <paramref name="method"/>. Each vector
    /// spans the attribute's bottom-quarter mean to its top-quarter mean, so strength 1 asks for that much change.
    /// </summary>
    public static AttributeDirections Compute(VariationEngine engine, ITrainingData data, IAttributeMeasures measures, int maxExamples = 50_000,
        Action<string>? log = null, int batchSize = 512, AttributeMethod method = AttributeMethod.Regression)
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
        return FromCodes(codes, values, attributes, method);
    }

    /// <summary>
    /// The directions from rows already encoded (<paramref name="codes"/>, [rows][latent]) and measured
    /// (<paramref name="values"/>, [rows][attributes], NaN where undefined); see <see cref="Compute"/>.
    /// </summary>
    public static AttributeDirections FromCodes(float[][] codes, double[][] values, IReadOnlyList<LatentAttribute> attributes, AttributeMethod method = AttributeMethod.Regression)
    {
        var rows = codes.Length;
        if (rows < 8 || values.Length != rows) throw new TrainingDataException($"attribute directions need at least 8 encoded and measured examples; got {rows}.");
        var latent = codes[0].Length;
        var stats = new List<(double Low, double High, double Mean, double StdDev, int Examples, float[] Quartile)>();
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
            stats.Add((low.Average(r => values[r][a]), high.Average(r => values[r][a]), mean, sd, all.Count, vector));
        }
        var vectors = method == AttributeMethod.Quartiles ? stats.Select(x => x.Quartile).ToList() : Regression(codes, values, stats.Select(x => (x.Mean, x.StdDev, x.High - x.Low)).ToList());
        return new AttributeDirections(latent, attributes.Select((a, i) =>
            new AttributeDirection(a, vectors[i], stats[i].Low, stats[i].High, stats[i].Mean, stats[i].StdDev, stats[i].Examples)).ToList(), method);
    }

    /// <summary>
    /// The least-squares fit z ≈ c + Σ_k b_k · (a_k − mean_k) / sd_k over all rows (a missing value counts as the mean):
    /// b_k is how the code moves with attribute k while the others stay put, which separates attributes that go
    /// together in the data (busier melodies are also more syncopated). Scaled to the bottom-to-top-quarter span.
    /// </summary>
    private static List<float[]> Regression(float[][] codes, double[][] values, IReadOnlyList<(double Mean, double StdDev, double Span)> stats)
    {
        var k = stats.Count;
        var n = k + 1; // attributes and the intercept
        var xtx = new double[n, n];
        var xtz = new double[n, codes[0].Length];
        var x = new double[n];
        for (var r = 0; r < codes.Length; r++)
        {
            for (var a = 0; a < k; a++)
                x[a] = double.IsNaN(values[r][a]) || stats[a].StdDev == 0 ? 0 : (values[r][a] - stats[a].Mean) / stats[a].StdDev;
            x[k] = 1;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++) xtx[i, j] += x[i] * x[j];
                for (var j = 0; j < codes[r].Length; j++) xtz[i, j] += x[i] * codes[r][j];
            }
        }
        var b = Solve(xtx, xtz);
        return Enumerable.Range(0, k).Select(a =>
        {
            var scale = stats[a].StdDev == 0 ? 0 : stats[a].Span / stats[a].StdDev;
            return Enumerable.Range(0, codes[0].Length).Select(j => (float)(b[a, j] * scale)).ToArray();
        }).ToList();
    }

    /// <summary>Solves A·X = B (A small and symmetric positive definite here) by Gaussian elimination with partial pivoting.</summary>
    private static double[,] Solve(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var m = b.GetLength(1);
        a = (double[,])a.Clone();
        b = (double[,])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(a[r, col]));
            if (Math.Abs(a[pivot, col]) < 1e-12) throw new TrainingDataException("the attributes are linearly dependent on these examples; attribute vectors cannot separate them.");
            if (pivot != col)
            {
                for (var j = 0; j < n; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                for (var j = 0; j < m; j++) (b[col, j], b[pivot, j]) = (b[pivot, j], b[col, j]);
            }
            for (var r = 0; r < n; r++)
            {
                if (r == col) continue;
                var f = a[r, col] / a[col, col];
                if (f == 0) continue;
                for (var j = col; j < n; j++) a[r, j] -= f * a[col, j];
                for (var j = 0; j < m; j++) b[r, j] -= f * b[col, j];
            }
        }
        for (var r = 0; r < n; r++)
            for (var j = 0; j < m; j++) b[r, j] /= a[r, r];
        return b;
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
            var method = root["method"]?.GetValue<string>() == "quartiles" ? AttributeMethod.Quartiles : AttributeMethod.Regression;
            var directions = root["attributes"]!.AsArray().Select(n => new AttributeDirection(
                new LatentAttribute(n!["name"]!.GetValue<string>(), n["description"]?.GetValue<string>() ?? ""),
                n["vector"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
                n["low"]!.GetValue<double>(), n["high"]!.GetValue<double>(), n["mean"]!.GetValue<double>(), n["stdDev"]!.GetValue<double>(),
                n["examples"]!.GetValue<int>())).ToList();
            return new AttributeDirections(latent, directions, method);
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
            ["method"] = Method == AttributeMethod.Quartiles ? "quartiles" : "regression",
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
