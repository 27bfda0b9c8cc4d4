using System.Text.Json.Nodes;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Support;

/// <summary>
/// A modality that exists only in the tests, to prove the seam: 8-bit patterns stored as ".bits" files of eight
/// '0'/'1' bytes, modelled by Core's sequence VAE. It is registered with <c>AddModality</c>; nothing in the host or
/// the CLI knows it.
/// </summary>
public sealed class BitsModality : IModality
{
    public const string MediaType = "application/x-bits";
    public const int Length = 8;

    public string Name => "bits";
    public string DefaultModelId => "bits-default";
    public IReadOnlyList<MaterialFormat> Formats { get; } = [new(MediaType, [".bits"])];
    public IReadOnlyList<ModalityOption> Options { get; } = [new("--invert", "invert", "Bits models: invert the seed first (true/false).", ModalityCommands.Vary)];
    public ITrainingRecipe Training { get; } = new BitsRecipe();

    public IReadOnlyList<Material> ReadSeedFile(string path, IReadOnlyDictionary<string, string> properties) =>
        [Material.FromBytes(MediaType, File.ReadAllBytes(path), properties)];

    public IMaterialGenerator Open(LoadedModel model) => new BitsGenerator(model);

    public static int[] Parse(byte[] bytes, string field)
    {
        if (bytes.Length != Length || bytes.Any(b => b is not ((byte)'0' or (byte)'1')))
            throw new MaterialException($"{field}: a bits seed is exactly {Length} characters of 0 and 1.");
        return bytes.Select(b => b - '0').ToArray();
    }

    public static SequenceVaeOptions Shape => new() { VocabularySize = 2, SequenceLength = Length, EncoderHidden = 8, DecoderHidden = 8, DecoderLayers = 1, LatentSize = 4 };

    private sealed class Seed(int[] bits) : PreparedSeed
    {
        public int[] Bits { get; } = bits;
        public override int Rows => 1;
        public override long MaxOutputBytes => Length;
    }

    private sealed class BitsGenerator(LoadedModel model) : IMaterialGenerator
    {
        public LoadedModel Model { get; } = model;

        public PreparedSeed Prepare(Material material, string field)
        {
            if (material.Data is not { } data) throw new MaterialException($"a bits model takes a .bits file; '{field}' is text.");
            var bits = Parse(data, field);
            if (material.Properties.TryGetValue("invert", out var invert) && invert == "true") bits = bits.Select(b => 1 - b).ToArray();
            return new Seed(bits);
        }

        public IReadOnlyList<IReadOnlyList<Material>> VaryMany(IReadOnlyList<MaterialVariation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
        {
            using var scope = NewDisposeScope();
            var outputs = Model.Engine.VaryBatch(requests.Select(r => new VariationRequest(Row(((Seed)r.Seed).Bits), r.Options.Count, r.Options.Similarity,
                r.Options.Temperature, r.Options.Rng, r.Options.TopP)).ToArray());
            return outputs.Select(ToMaterial).ToList();
        }

        public IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
        {
            using var scope = NewDisposeScope();
            var outputs = Model.Engine.InterpolateBatch(requests.Select(r => new InterpolationRequest(Row(((Seed)r.From).Bits), Row(((Seed)r.To).Bits),
                r.Options.Steps, r.Options.Temperature, r.Options.Rng, r.Options.TopP)).ToArray());
            return outputs.Select(ToMaterial).ToList();
        }

        public IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
        {
            using var scope = NewDisposeScope();
            var outputs = Model.Engine.SampleBatch(requests.Select(r => new SampleRequest(r.Count, r.Temperature, r.Rng, r.TopP)).ToArray());
            return outputs.Select(ToMaterial).ToList();
        }

        private static Tensor Row(int[] bits) => tensor(bits.Select(b => (long)b).ToArray(), new long[] { 1, Length });

        private static IReadOnlyList<Material> ToMaterial(Tensor rows)
        {
            var flat = rows.data<long>().ToArray();
            return Enumerable.Range(0, (int)rows.shape[0])
                .Select(i => Material.FromBytes(MediaType, flat.Skip(i * Length).Take(Length).Select(b => (byte)('0' + b)).ToArray())).ToList();
        }
    }

    private sealed class BitsCorpus : TrainingCorpus
    {
        public BitsCorpus(string source, List<int[]> train, List<int[]> validation)
        {
            Source = source;
            Train = train;
            Validation = validation;
        }

        public List<int[]> Train { get; }
        public List<int[]> Validation { get; }
        public override string Summary => $"{Train.Count} training patterns, {Validation.Count} held out";
        public override JsonObject Describe() => new() { ["file"] = Source, ["train"] = Train.Count, ["validation"] = Validation.Count };
    }

    private sealed class BitsData(List<int[]> rows) : ITrainingData
    {
        public int Count => rows.Count;

        public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation) =>
            tensor(indices.SelectMany(i => rows[i]).Select(b => (long)b).ToArray(), new long[] { indices.Count, Length });
    }

    private sealed class BitsRecipe : ITrainingRecipe
    {
        public TrainerOptions Defaults { get; } = new() { Steps = 20, BatchSize = 8, CheckpointEvery = 10, ValidateEvery = 10 };
        public string ExampleNoun => "patterns";

        public IReadOnlyList<string> Sizes { get; } = ["default", "small"];

        public ModelShape Shape(string size) => size is "default" or "small"
            ? new(SequenceVae.KindName, ModelManifest.ToJsonObject(BitsModality.Shape))
            : throw new ArgumentException($"size must be 'default' or 'small'; got '{size}'.");

        public void CheckSettings(TrainingConfig config)
        {
            if (config.Settings is { Count: > 0 }) throw new ArgumentException("bits models take no settings.");
        }

        public TrainingCorpus Load(string data, double validationFraction, bool augment, System.Text.Json.Nodes.JsonObject? settings, Action<string> log)
        {
            if (!File.Exists(data)) throw new TrainingDataException($"bits models train on one file of lines; '{data}' is not a file.");
            var rows = File.ReadAllLines(data).Where(l => l.Length > 0).Select((l, i) => Parse(System.Text.Encoding.ASCII.GetBytes(l), $"{data} line {i + 1}")).ToList();
            var cut = (int)(rows.Count * (1 - validationFraction));
            return new BitsCorpus(Path.GetFullPath(data), rows.Take(cut).ToList(), rows.Skip(cut).ToList());
        }

        public TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
        {
            var bits = (BitsCorpus)corpus;
            return new TrainingPlan(new SequenceVae(ModelManifest.FromJsonObject<SequenceVaeOptions>(config.Model)), new BitsData(bits.Train),
                new BitsData(bits.Validation), new JsonObject { ["length"] = Length });
        }

        public (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus) =>
            (new BitsData(((BitsCorpus)corpus).Train), new BitsData(((BitsCorpus)corpus).Validation));
    }
}
