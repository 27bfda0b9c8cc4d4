using TorchSharp;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Runtime;

/// <summary>
/// Issue 23, point 1: a seeded training run must not depend on what other threads of the process do. Two ways it did:
/// libtorch's per-thread thread count (a thread that set 1 took the process-wide 2 at its first operation, and a
/// resume test came out a rounding step apart in CI), and the one global generator that module constructors draw from.
/// These change the process-wide thread count, so they run alone.
/// </summary>
[Collection(RunsAlone.Name)]
public class TorchRuntimeThreadsTests
{
    [Fact]
    public void A_thread_keeps_the_count_it_set_when_another_thread_sets_another_before_its_first_operation()
    {
        var original = OnFreshThread(get_num_threads);
        try
        {
            using var countSet = new ManualResetEventSlim();
            using var otherSet = new ManualResetEventSlim();
            var seen = 0;
            var worker = new Thread(() =>
            {
                TorchRuntime.SetThreads(1); // a fresh thread: no libtorch operation has run on it yet
                countSet.Set();
                otherSet.Wait();
                using var x = ones(100_000).sum(); // its first parallel operation
                seen = get_num_threads();
            });
            var other = new Thread(() =>
            {
                countSet.Wait();
                set_num_threads(2);
                otherSet.Set();
            });
            worker.Start();
            other.Start();
            worker.Join();
            other.Join();
            Assert.Equal(1, seen);
        }
        finally
        {
            OnFreshThread(() => { set_num_threads(original); return 0; });
        }
    }

    [Fact]
    public void A_seeded_build_gives_the_same_weights_while_another_thread_loads_models()
    {
        using var temp = new TempDir();
        var options = TinyModels.MelodyOptions;
        using (var saved = TorchRuntime.SeededBuild(7, () => new SequenceVae(options)))
            ModelDirectory.Save(temp.Path, saved, new ModelManifest
            {
                Modality = "melody",
                ModelKind = SequenceVae.KindName,
                Model = ModelManifest.ToJsonObject(options),
                Encoding = [],
                Versions = new Dictionary<string, string>(),
                WeightsSha256 = "",
            });
        var expected = Weights(TorchRuntime.SeededBuild(11, () => new SequenceVae(options)));
        var stop = false;
        var loader = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                var (model, _) = ModelDirectory.Load(temp.Path, CPU, TestModelKinds.All);
                model.Dispose();
            }
        });
        loader.Start();
        var differing = 0;
        try
        {
            for (var i = 0; i < 40; i++)
                if (!Weights(TorchRuntime.SeededBuild(11, () => new SequenceVae(options))).SequenceEqual(expected)) differing++;
        }
        finally
        {
            Volatile.Write(ref stop, true);
            loader.Join();
        }
        Assert.Equal(0, differing);
    }

    private static float[] Weights(SequenceVae model)
    {
        using (model)
        using (NewDisposeScope())
            return cat(model.parameters().Select(p => p.detach().flatten()).ToArray(), 0).data<float>().ToArray();
    }

    private static T OnFreshThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }
}
