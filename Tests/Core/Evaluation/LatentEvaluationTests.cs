using System.Diagnostics;
using TorchSharp;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Evaluation;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Core.Training;
using VaeCreative.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Evaluation;

public class LatentEvaluationTests(ITestOutputHelper output)
{
    // ---- A toy VAE whose likelihood is known in closed form ----
    // p(z) = N(0, I), p(x|z) = N(z, s² I), so p(x) = N(0, (1 + s²) I) and the exact posterior is
    // N(x / (1 + s²), s² / (1 + s²) I). The encoder is q(z|x) = N(a ⊙ x, exp(c + b ⊙ x)).

    private const double S2 = 0.5;

    private static double ExactNll(double[,] x)
    {
        double sum = 0;
        var (n, d) = (x.GetLength(0), x.GetLength(1));
        for (var i = 0; i < n; i++)
        {
            double squares = 0;
            for (var j = 0; j < d; j++) squares += x[i, j] * x[i, j];
            sum += 0.5 * d * Math.Log(2 * Math.PI * (1 + S2)) + squares / (2 * (1 + S2));
        }
        return sum / n;
    }

    private static double[,] RandomInputs(int n, int d, int seed, double scale = 1.5)
    {
        var random = new Random(seed);
        var x = new double[n, d];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < d; j++)
            x[i, j] = scale * (2 * random.NextDouble() - 1);
        return x;
    }

    /// <summary>The encoder at the exact posterior: every importance weight equals p(x).</summary>
    private static ToyGaussianVae ExactPosterior(int d) =>
        new(Enumerable.Repeat(1 / (1 + S2), d).ToArray(), new double[d], Enumerable.Repeat(Math.Log(S2 / (1 + S2)), d).ToArray(), S2);

    [Theory]
    [InlineData(10, 1024)]
    [InlineData(4, 40)]   // groups of two examples per pass
    [InlineData(3, 12)]   // one example's 16 samples split over two passes
    [InlineData(1, 1)]
    public void Matches_the_PyTorch_reference(int batchSize, int rowsPerPass)
    {
        // Numbers printed by latent_evaluation_reference.py (PyTorch 1.13, Debian's python3-torch), which recomputes
        // every figure with torch.distributions and He et al.'s calc_mi from the same seeded samples.
        using var scope = NewDisposeScope();
        using var model = ReferenceModel();
        var options = new LatentEvaluationOptions { ImportanceSamples = 16, Seed = 7, BatchSize = batchSize, RowsPerPass = rowsPerPass };
        var result = LatentEvaluation.Run(model, ReferenceData(), CPU, options);

        Assert.Equal(10, result.Examples);
        Assert.Equal(16, result.ImportanceSamples);
        Assert.Equal(4.6347042851677855, result.NllNats, 1e-9);
        Assert.Equal(1.298964684140959, result.KlNats, 1e-9);
        Assert.Equal(5.600995235290078, result.ElboNats, 1e-9);
        Assert.Equal(0.7055171448444923, result.MutualInformationNats, 1e-9);
        Assert.Equal(3, result.PosteriorMeanVariances.Count);
        Assert.Equal(0.30170390267626446, result.PosteriorMeanVariances[0], 1e-12);
        Assert.Equal(0.7738294420674624, result.PosteriorMeanVariances[1], 1e-12);
        Assert.Equal(0.0005106648212900919, result.PosteriorMeanVariances[2], 1e-12);
        Assert.Equal(2, result.ActiveUnits);
        Assert.Equal(0.01, result.ActiveUnitThreshold);
        // A continuous model has no elements to count.
        Assert.Null(result.Elements);
        Assert.Null(result.Perplexity);
        Assert.Null(result.ReconstructionAccuracy);
    }

    /// <summary>The model and data of latent_evaluation_reference.py.</summary>
    private static ToyGaussianVae ReferenceModel() => new([0.5, 0.8, 0.02], [0.25, -0.1, 0.0], [-1.0, -0.5, -2.0], S2);

    private static TensorData ReferenceData()
    {
        var x = new double[10, 3];
        for (var i = 0; i < 10; i++)
        for (var d = 0; d < 3; d++)
            x[i, d] = 1.5 * Math.Sin(1.3 * i + 0.7 * d + 0.1);
        return TensorData.Of(x);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    public void With_the_exact_posterior_every_weight_is_the_likelihood(int samples)
    {
        using var scope = NewDisposeScope();
        using var model = ExactPosterior(4);
        var x = RandomInputs(50, 4, seed: 3);
        var result = LatentEvaluation.Run(model, TensorData.Of(x), CPU, new LatentEvaluationOptions { ImportanceSamples = samples });
        Assert.Equal(ExactNll(x), result.NllNats, 1e-9);
    }

    [Fact]
    public void The_bound_starts_at_the_elbo_and_tightens_to_the_likelihood_as_samples_grow()
    {
        using var scope = NewDisposeScope();
        const int d = 2;
        // Too wide and shrunk towards 0: KL(q ‖ p(z|x)) is a few nats per example.
        var a = Enumerable.Repeat(0.5 / (1 + S2), d).ToArray();
        var c = Enumerable.Repeat(Math.Log(S2 / (1 + S2)) + 1.5, d).ToArray();
        using var model = new ToyGaussianVae(a, new double[d], c, S2);
        var x = RandomInputs(1000, d, seed: 5, scale: 2.5);
        var exact = ExactNll(x);
        // With one sample the bound is −ELBO, whose mean is −log p(x) + KL(q ‖ p(z|x)).
        var gap = 0.0;
        var postVar = S2 / (1 + S2);
        for (var i = 0; i < x.GetLength(0); i++)
        for (var j = 0; j < d; j++)
        {
            var (m, v) = (a[j] * x[i, j], Math.Exp(c[j]));
            var pm = x[i, j] / (1 + S2);
            gap += 0.5 * (Math.Log(postVar / v) + (v + (m - pm) * (m - pm)) / postVar - 1);
        }
        gap /= x.GetLength(0);

        var results = new[] { 1, 10, 100, 1000 }.Select(k =>
            LatentEvaluation.Run(model, TensorData.Of(x), CPU, new LatentEvaluationOptions { ImportanceSamples = k, Seed = 1 })).ToArray();
        var bounds = results.Select(r => r.NllNats).ToArray();
        output.WriteLine($"exact {exact:F4}, gap {gap:F4}, bounds {string.Join(", ", bounds.Select(b => b.ToString("F4")))}, elbo {results[^1].ElboNats:F4}");
        Assert.True(gap > 1, $"the test needs a loose posterior; KL(q ‖ p(z|x)) is {gap:F3}");
        Assert.Equal(exact + gap, results[^1].ElboNats, 0.05);
        Assert.Equal(exact + gap, bounds[0], 0.5); // a one-sample estimate: σ ≈ 0.14 nats over 1000 examples here
        for (var i = 1; i < bounds.Length; i++) Assert.True(bounds[i] < bounds[i - 1], $"bounds should tighten: {string.Join(", ", bounds)}");
        Assert.True(bounds[^1] > exact - 0.01, $"the bound {bounds[^1]} fell below −log p(x) = {exact}");
        Assert.Equal(exact, bounds[^1], 0.05);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    public void Under_a_learned_prior_the_exact_posterior_still_weighs_every_sample_at_the_likelihood(int samples)
    {
        // p(z) = N(0, v I) through ILearnedPrior: p(x) = N(0, (v + s²) I), and the posterior N(v x / (v + s²), v s² / (v + s²) I).
        using var scope = NewDisposeScope();
        const int d = 3;
        const double v = 2.5;
        using var model = new ToyGaussianVae(Enumerable.Repeat(v / (v + S2), d).ToArray(), new double[d],
            Enumerable.Repeat(Math.Log(v * S2 / (v + S2)), d).ToArray(), S2, priorVariance: v);
        var x = RandomInputs(40, d, seed: 4);
        var result = LatentEvaluation.Run(model, TensorData.Of(x), CPU, new LatentEvaluationOptions { ImportanceSamples = samples, BatchSize = 7, RowsPerPass = 10 });
        double exact = 0, kl = 0;
        var postVar = v * S2 / (v + S2);
        for (var i = 0; i < 40; i++)
        for (var j = 0; j < d; j++)
        {
            exact += 0.5 * Math.Log(2 * Math.PI * (v + S2)) + x[i, j] * x[i, j] / (2 * (v + S2));
            var m = v / (v + S2) * x[i, j];
            kl += 0.5 * (Math.Log(v / postVar) + (postVar + m * m) / v - 1);
        }
        Assert.Equal(exact / 40, result.NllNats, 1e-9);
        Assert.Equal(kl / 40, result.KlNats, 1e-9);
    }

    [Fact]
    public void Kl_is_the_analytic_kl_of_the_posteriors()
    {
        using var scope = NewDisposeScope();
        double[] a = [0.9, -0.4, 0.1], b = [0.3, 0.0, -0.5], c = [-0.2, 0.4, -1.0];
        using var model = new ToyGaussianVae(a, b, c, S2);
        var x = RandomInputs(37, 3, seed: 8);
        var result = LatentEvaluation.Run(model, TensorData.Of(x), CPU, new LatentEvaluationOptions { ImportanceSamples = 3, BatchSize = 5 });
        double expected = 0;
        for (var i = 0; i < 37; i++)
        for (var j = 0; j < 3; j++)
        {
            var m = a[j] * x[i, j];
            var logVar = c[j] + b[j] * x[i, j];
            expected += 0.5 * (Math.Exp(logVar) + m * m - 1 - logVar);
        }
        Assert.Equal(expected / 37, result.KlNats, 1e-9);
    }

    [Fact]
    public void An_encoder_that_ignores_its_input_has_no_active_units_and_no_information()
    {
        using var scope = NewDisposeScope();
        using var model = new ToyGaussianVae([0.0, 0.0], [0.0, 0.0], [-0.3, 0.2], S2);
        var result = LatentEvaluation.Run(model, TensorData.Of(RandomInputs(2000, 2, seed: 1)), CPU,
            new LatentEvaluationOptions { ImportanceSamples = 1, BatchSize = 512 });
        Assert.Equal(0, result.ActiveUnits);
        Assert.All(result.PosteriorMeanVariances, v => Assert.Equal(0.0, v));
        // Estimation noise is about √(D / 2N) = 0.02 nats.
        Assert.Equal(0.0, result.MutualInformationNats, 0.1);
    }

    [Fact]
    public void A_sharp_encoder_of_distinct_inputs_carries_log_n_nats_and_all_units()
    {
        using var scope = NewDisposeScope();
        const int n = 1000;
        using var model = new ToyGaussianVae([1.0, 1.0], [0.0, 0.0], [Math.Log(1e-8), Math.Log(1e-8)], S2);
        var result = LatentEvaluation.Run(model, TensorData.Of(RandomInputs(n, 2, seed: 2)), CPU,
            new LatentEvaluationOptions { ImportanceSamples = 1, BatchSize = 256 });
        Assert.Equal(2, result.ActiveUnits);
        Assert.Equal(Math.Log(n), result.MutualInformationNats, 0.1);
    }

    [Fact]
    public void Active_units_count_the_dimensions_at_or_above_the_threshold()
    {
        using var scope = NewDisposeScope();
        // x uniform on [−1.5, 1.5] has variance 0.75: scales give mean variances 0.75 a².
        double[] a = [1.0, 0.2, 0.1, 0.05, 0.0];
        using var model = new ToyGaussianVae(a, new double[5], new double[5], S2);
        var x = RandomInputs(400, 5, seed: 4);
        var result = LatentEvaluation.Run(model, TensorData.Of(x), CPU, new LatentEvaluationOptions { ImportanceSamples = 1, BatchSize = 64 });
        for (var j = 0; j < 5; j++)
        {
            var column = Enumerable.Range(0, 400).Select(i => a[j] * x[i, j]).ToArray();
            var average = column.Average();
            var variance = column.Sum(v => (v - average) * (v - average)) / (column.Length - 1);
            Assert.Equal(variance, result.PosteriorMeanVariances[j], 1e-12);
        }
        // 0.75, 0.03, 0.0075, 0.0019, 0: two at or above 0.01.
        Assert.Equal(2, result.ActiveUnits);
    }

    // ---- A token model: SequenceVae from Core ----

    private static readonly SequenceVaeOptions TinySequence = new()
    {
        VocabularySize = 12,
        SequenceLength = 6,
        EncoderHidden = 8,
        DecoderHidden = 8,
        DecoderLayers = 1,
        LatentSize = 4,
    };

    private static SequenceVae TinySequenceVae(long seed) => SeededInit.Create("tiny-sequence", seed, () => new SequenceVae(TinySequence));

    private static TensorData RandomTokens(int n, int seed)
    {
        var random = new Random(seed);
        var ids = new long[n * TinySequence.SequenceLength];
        for (var i = 0; i < ids.Length; i++) ids[i] = random.Next(TinySequence.VocabularySize);
        return new TensorData(tensor(ids, [n, TinySequence.SequenceLength]).DetachFromDisposeScope());
    }

    [Fact]
    public void A_token_model_gets_elements_perplexity_and_the_trainers_accuracy()
    {
        using var scope = NewDisposeScope();
        using var model = TinySequenceVae(seed: 2);
        var data = RandomTokens(30, seed: 6);
        model.train();
        var result = LatentEvaluation.Run(model, data, CPU, new LatentEvaluationOptions { ImportanceSamples = 40, BatchSize = 8, RowsPerPass = 64 });
        Assert.True(model.training, "the model's train mode should be restored");

        var trainer = Trainer.Evaluate(model, data, 64, 10, CPU);
        Assert.Equal(30, result.Examples);
        Assert.Equal(30L * TinySequence.SequenceLength, result.Elements);
        Assert.Equal(trainer.AccuracyTeacherForced!.Value, result.ReconstructionAccuracy!.Value, 1e-12);
        Assert.Equal(trainer.KlNats, result.KlNats, 1e-4);
        Assert.Equal(Math.Exp(result.NllNats * result.Examples / result.Elements!.Value), result.Perplexity!.Value, 1e-9);
        Assert.True(result.NllNats < result.ElboNats, $"IW bound {result.NllNats} should lie below −ELBO {result.ElboNats}");
        // Untrained, the decoder is near uniform over 12 tokens.
        Assert.InRange(result.Perplexity.Value, 8, 16);
        Assert.InRange(result.MutualInformationNats, -0.1, Math.Log(30));
    }

    [Fact]
    public void Figures_do_not_depend_on_batch_or_pass_sizes_and_repeat_exactly()
    {
        using var scope = NewDisposeScope();
        using var model = TinySequenceVae(seed: 4);
        var data = RandomTokens(13, seed: 2);
        var options = new LatentEvaluationOptions { ImportanceSamples = 7, Seed = 3 };
        var reference = LatentEvaluation.Run(model, data, CPU, options);
        var again = LatentEvaluation.Run(model, data, CPU, options);
        Assert.Equal(reference.NllNats, again.NllNats);
        Assert.Equal(reference.MutualInformationNats, again.MutualInformationNats);

        foreach (var (batch, rows) in new[] { (1, 1), (4, 5), (5, 14), (13, 3) })
        {
            var other = LatentEvaluation.Run(model, data, CPU, options with { BatchSize = batch, RowsPerPass = rows });
            Assert.Equal(reference.NllNats, other.NllNats, 1e-5);
            Assert.Equal(reference.ElboNats, other.ElboNats, 1e-5);
            Assert.Equal(reference.KlNats, other.KlNats, 1e-5);
            Assert.Equal(reference.MutualInformationNats, other.MutualInformationNats, 1e-5);
            Assert.Equal(reference.ReconstructionAccuracy, other.ReconstructionAccuracy);
        }

        var otherSeed = LatentEvaluation.Run(model, data, CPU, options with { Seed = 4 });
        Assert.NotEqual(reference.NllNats, otherSeed.NllNats);
    }

    [Fact]
    public void Max_examples_takes_the_first_examples_and_progress_counts_them()
    {
        using var scope = NewDisposeScope();
        using var model = TinySequenceVae(seed: 1);
        var data = RandomTokens(20, seed: 1);
        var reports = new List<int>();
        var options = new LatentEvaluationOptions { ImportanceSamples = 5, BatchSize = 4, RowsPerPass = 10 };
        var first = LatentEvaluation.Run(model, data, CPU, options with { MaxExamples = 9 }, new Inline<int>(reports.Add));
        Assert.Equal(9, first.Examples);
        Assert.Equal(9L * TinySequence.SequenceLength, first.Elements);
        Assert.Equal(reports.Order().ToArray(), reports);
        Assert.Equal(9, reports[^1]);

        var prefix = new TensorData(data.Batch(Enumerable.Range(0, 9).ToArray(), null).DetachFromDisposeScope());
        var same = LatentEvaluation.Run(model, prefix, CPU, options);
        Assert.Equal(first.NllNats, same.NllNats, 1e-6);
    }

    [Fact]
    public void Bad_settings_and_empty_data_are_refused_and_cancellation_stops_the_run()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentEvaluationOptions { ImportanceSamples = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentEvaluationOptions { ImportanceSamples = 10_001 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentEvaluationOptions { BatchSize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentEvaluationOptions { RowsPerPass = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentEvaluationOptions { MaxExamples = 0 }.Validate());
        Assert.Equal(500, new LatentEvaluationOptions().ImportanceSamples);

        using var scope = NewDisposeScope();
        using var model = TinySequenceVae(seed: 1);
        var empty = new TensorData(zeros(new long[] { 0, TinySequence.SequenceLength }, ScalarType.Int64).DetachFromDisposeScope());
        Assert.Throws<ArgumentException>(() => LatentEvaluation.Run(model, empty, CPU, new LatentEvaluationOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LatentEvaluation.Run(model, RandomTokens(3, 1), CPU, new LatentEvaluationOptions { ImportanceSamples = 0 }));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            LatentEvaluation.Run(model, RandomTokens(3, 1), CPU, new LatentEvaluationOptions { ImportanceSamples = 2 }, cancellation: cancelled.Token));
    }

    // ---- The bundled melody model on held-out Nottingham windows ----

    [Fact]
    public void The_bundled_melody_model_scores_held_out_melodies_consistently()
    {
        using var scope = NewDisposeScope();
        var (model, _) = ModelDirectory.Load(RepoPaths.DefaultMelodyModel, CPU, TestModelKinds.All);
        using var owned = model;
        var validation = TestMelodies.Nottingham.Validation;
        var options = new LatentEvaluationOptions { ImportanceSamples = 8, MaxExamples = 6 };
        var result = LatentEvaluation.Run(model, validation, CPU, options);
        var first = new TensorData(validation.Batch(Enumerable.Range(0, 6).ToArray(), null).DetachFromDisposeScope());
        var trainer = Trainer.Evaluate(model, first, 64, 1, CPU);
        Assert.Equal(6L * 32, result.Elements);
        Assert.Equal(trainer.AccuracyTeacherForced!.Value, result.ReconstructionAccuracy!.Value, 1e-12);
        Assert.Equal(trainer.KlNats, result.KlNats, 1e-3);
        Assert.True(result.NllNats < result.ElboNats, $"IW bound {result.NllNats} should lie below −ELBO {result.ElboNats}");
        Assert.True(result.NllNats > 0 && double.IsFinite(result.Perplexity!.Value));
        Assert.Equal(256, result.PosteriorMeanVariances.Count);
    }

    /// <summary>
    /// The timing figure: K = 500 over the first 100 held-out Nottingham windows with the bundled melody model.
    /// Runs only with VAECREATIVE_EVAL_TIMING=1 (VAECREATIVE_EVAL_ROWS sets rows per pass):
    /// <c>VAECREATIVE_EVAL_TIMING=1 dotnet test Tests/Tests.csproj -c Release --no-build --filter "FullyQualifiedName~Timing_on_the_bundled" --logger "console;verbosity=detailed"</c>.
    /// </summary>
    [Fact]
    public void Timing_on_the_bundled_melody_model()
    {
        if (Environment.GetEnvironmentVariable("VAECREATIVE_EVAL_TIMING") != "1") return;
        using var scope = NewDisposeScope();
        var (model, _) = ModelDirectory.Load(RepoPaths.DefaultMelodyModel, CPU, TestModelKinds.All);
        using var owned = model;
        var validation = TestMelodies.Nottingham.Validation;
        var rows = int.TryParse(Environment.GetEnvironmentVariable("VAECREATIVE_EVAL_ROWS"), out var r) ? r : new LatentEvaluationOptions().RowsPerPass;
        // CPU time beside wall time: on a shared machine the wall time also counts other processes' turns.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = LatentEvaluation.Run(model, validation, CPU, new LatentEvaluationOptions { RowsPerPass = rows, MaxExamples = 100 });
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"melody-2bar, first 100 held-out windows, K = {result.ImportanceSamples}, {rows} rows per pass, {get_num_threads()} threads: " +
            $"{clock.Elapsed.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s CPU, load average {LoadAverage()}; nll {result.NllNats:F3}, elbo {result.ElboNats:F3}, kl {result.KlNats:F3}, " +
            $"mi {result.MutualInformationNats:F3}, active units {result.ActiveUnits}, perplexity {result.Perplexity:F4}, accuracy {result.ReconstructionAccuracy:F4}");
        Assert.True(result.NllNats < result.ElboNats);
    }

    // ---- Helpers ----

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Examples as rows of one tensor.</summary>
    private sealed class TensorData(Tensor rows) : ITrainingData
    {
        public static TensorData Of(double[,] x)
        {
            var flat = new double[x.Length];
            Buffer.BlockCopy(x, 0, flat, 0, x.Length * sizeof(double));
            return new TensorData(tensor(flat, [x.GetLength(0), x.GetLength(1)]).DetachFromDisposeScope());
        }

        public int Count => (int)rows.shape[0];

        public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation) =>
            rows.index_select(0, tensor(indices.Select(i => (long)i).ToArray()));
    }

    /// <summary>
    /// q(z|x) = N(a ⊙ x, exp(c + b ⊙ x)), p(z) = N(0, I) (or N(0, v I) as a learned prior), p(x|z) = N(z, s² I); float64 throughout.
    /// </summary>
    private sealed class ToyGaussianVae : IVaeModel
    {
        private readonly Tensor a, b, c;
        private readonly Scalar halfPrecision, logNormaliser;
        private readonly nn.Module module = nn.Identity();

        public ToyGaussianVae(double[] a, double[] b, double[] c, double s2, double? priorVariance = null)
        {
            if (priorVariance is { } v) Prior = new WidePrior(v, a.Length);
            this.a = tensor(a).DetachFromDisposeScope();
            this.b = tensor(b).DetachFromDisposeScope();
            this.c = tensor(c).DetachFromDisposeScope();
            LatentSize = a.Length;
            halfPrecision = (0.5 / s2).ToScalar();
            logNormaliser = (0.5 * a.Length * Math.Log(2 * Math.PI * s2)).ToScalar();
        }

        public string Kind => "toy-gaussian";
        public int LatentSize { get; }
        public nn.Module Module => module;
        public object Options => new();
        public long[] RowNoiseShape => [LatentSize];

        public DiagonalGaussian Encode(Tensor input) => new(input.mul(a), input.mul(b).add(c, Scalars.One));

        public Reconstruction Reconstruct(Tensor input, Tensor z, ReconstructionSettings settings)
        {
            var difference = input.sub(z);
            return new Reconstruction(difference.mul(difference).sum(1).mul(halfPrecision).add(logNormaliser, Scalars.One), null, null);
        }

        public Tensor Generate(Tensor z, GenerationSettings settings) => z.clone();

        public ILearnedPrior? Prior { get; }

        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
            c.Dispose();
            halfPrecision.Dispose();
            logNormaliser.Dispose();
            module.Dispose();
        }
    }

    /// <summary>N(0, v I) as a learned prior: the evaluation must take its KL and density from it.</summary>
    private sealed class WidePrior(double variance, int latent) : ILearnedPrior
    {
        public Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z)
        {
            var prior = new DiagonalGaussian(zeros_like(posterior.Mean), full_like(posterior.Mean, Math.Log(variance)));
            return posterior.KlElementsTo(prior).sum(1);
        }

        public Tensor LogDensity(Tensor input, Tensor z) =>
            z.mul(z).sum(1).div(-2 * variance).sub(0.5 * latent * Math.Log(2 * Math.PI * variance));

    }
}
