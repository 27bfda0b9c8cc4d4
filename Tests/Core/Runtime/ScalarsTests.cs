using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Runtime;

/// <summary>
/// Issue 8, point 4: one fuzzed host request of 10,400 failed in libtorch ("value cannot be converted to type float
/// without overflow" in Tensor.add) because a Scalar made on the fly was freed by its finalizer while libtorch read it.
/// These run the generation and training arithmetic while another thread forces collections, and compare every
/// result with one computed in calm conditions. Before the fix each failed within its budget
/// (wrong values or libtorch errors); the budgets are counts, not times, so a slow machine runs the same work.
/// </summary>
[Collection(RunsAlone.Name)]
public class ScalarsTests
{
    [Fact]
    public void Slerp_gives_the_same_codes_while_collections_run()
    {
        using var outer = NewDisposeScope();
        var generator = new Generator(3);
        var a = randn(new long[] { 4, 8 }, generator: generator);
        var b = randn(new long[] { 4, 8 }, generator: generator);
        var expected = Slerp.Interpolate(a, b, 0.3);
        var failures = Repeat(20_000, () => Slerp.Interpolate(a, b, 0.3).SameAs(expected));
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Elbo_and_kl_give_the_same_figures_while_collections_run()
    {
        using var outer = NewDisposeScope();
        var generator = new Generator(4);
        var posterior = new DiagonalGaussian(randn(new long[] { 8, 4 }, generator: generator), randn(new long[] { 8, 4 }, generator: generator));
        var reconstruction = rand(new long[] { 8 }, generator: generator) * 10;
        var expected = ElboTerms.Compute(reconstruction, posterior.KlToStandardNormal(), 0.5, 1).Loss.item<float>();
        var failures = Repeat(20_000, () => ElboTerms.Compute(reconstruction, posterior.KlToStandardNormal(), 0.5, 1).Loss.item<float>() == expected);
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Variations_are_the_same_while_collections_run()
    {
        using var outer = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        using var engine = new VariationEngine(model, CPU);
        var seed = TinyModels.RandomWindows(2, 17).Batch([0, 1], null);
        var expected = engine.Vary(seed, 4, 0.5, 0.7, rng: 11);
        var failures = Repeat(400, () => engine.Vary(seed, 4, 0.5, 0.7, rng: 11).SameAs(expected));
        Assert.Equal(0, failures);
    }

    [Fact]
    public void AdamOptimizer_steps_exactly_as_TorchSharps_Adam()
    {
        using var outer = NewDisposeScope();
        manual_seed(5);
        var reference = nn.Linear(6, 3);
        var ours = nn.Linear(6, 3);
        ours.load_state_dict(reference.state_dict());
        var torchAdam = optim.Adam(reference.parameters(), 0.01);
        var adam = new AdamOptimizer(ours.parameters(), 0.01);
        var input = randn(16, 6);
        for (var step = 0; step < 5; step++)
        {
            foreach (var (model, optimizer) in new (Linear, OptimizerHelper)[] { (reference, torchAdam), (ours, adam) })
            {
                optimizer.zero_grad();
                model.forward(input).abs().sum().backward();
                optimizer.step();
            }
        }
        Assert.True(ours.weight!.SameAs(reference.weight!));
        Assert.True(ours.bias!.SameAs(reference.bias!));
    }

    [Fact]
    public void AdamOptimizer_steps_the_same_while_collections_run()
    {
        using var outer = NewDisposeScope();
        manual_seed(6);
        // Many small parameters: each Adam update passes several Scalars, so this is many chances for the race.
        nn.Module<Tensor, Tensor> Build() => nn.Sequential(Enumerable.Range(0, 16).Select(i => ((string, nn.Module<Tensor, Tensor>))($"l{i}", nn.Linear(4, 4))).ToArray());
        var initial = Build();
        var input = randn(8, 4);

        Tensor Train(int steps)
        {
            var model = Build();
            model.load_state_dict(initial.state_dict());
            var adam = new AdamOptimizer(model.parameters(), 0.001);
            for (var step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                adam.zero_grad();
                model.forward(input).abs().sum().backward();
                adam.step();
            }
            return cat(model.parameters().Select(p => p.detach().flatten()).ToArray(), 0).clone();
        }

        var expected = Train(1_500);
        var threads = get_num_threads();
        set_num_threads(1);
        Tensor actual;
        try
        {
            using (new CollectorThread()) actual = Train(1_500);
        }
        finally
        {
            set_num_threads(threads);
        }
        Assert.True(actual.SameAs(expected));
    }

    /// <summary>Runs <paramref name="check"/> <paramref name="times"/> while collections run; returns how many failed or threw.</summary>
    private static int Repeat(int times, Func<bool> check)
    {
        var failures = 0;
        // One libtorch thread: on two cores its second thread would spin against the collector and crawl.
        var threads = get_num_threads();
        set_num_threads(1);
        using var restore = new Restore(() => set_num_threads(threads));
        using var collector = new CollectorThread();
        for (var i = 0; i < times; i++)
        {
            using var scope = NewDisposeScope();
            try
            {
                if (!check()) failures++;
            }
            catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
            {
                failures++;
            }
        }
        return failures;
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
