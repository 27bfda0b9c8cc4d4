using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Checkpoints;

public class CheckpointStoreTests
{
    private static readonly TrainingProgress Figures = new(3, 10, 12.5, 10, 2.5, 0.5, 0.1, 1e-3, 100, null);

    [Fact]
    public void Save_then_restore_gives_the_step_figures_and_weights()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody(seed: 1);
        var store = new CheckpointStore(dir.Path);
        store.Save(model, optim.Adam(model.parameters()), 3, Figures);
        store.Save(model, optim.Adam(model.parameters()), 4, Figures with { Step = 4 });
        using var other = TinyModels.Melody(seed: 2);
        var state = store.Restore(other, optim.Adam(other.parameters()));
        Assert.Equal(4, state!.Step);
        Assert.Equal(Figures with { Step = 4 }, state.Last);
        foreach (var (p, q) in model.parameters().Zip(other.parameters())) Assert.True(p.SameAs(q));
        Assert.Equal(["checkpoint"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_swap_interrupted_after_keeping_the_previous_checkpoint_resumes_from_it_and_keeps_it_until_replaced()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody(seed: 1);
        var store = new CheckpointStore(dir.Path);
        store.Save(model, optim.Adam(model.parameters()), 2);
        // What a crash between "checkpoint → checkpoint.previous" and "fresh → checkpoint" leaves.
        Directory.Move(store.Directory, store.Directory + ".previous");
        Directory.CreateDirectory(store.Directory); // and debris without state.json is not a checkpoint
        Assert.True(store.Exists);
        Assert.Equal(2, store.LatestStep());
        Assert.Equal(2, store.Restore(model, optim.Adam(model.parameters()))!.Step);

        store.Save(model, optim.Adam(model.parameters()), 4);
        Assert.Equal(4, store.LatestStep());
        Assert.Equal(["checkpoint"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_checkpoint_written_with_TorchSharps_Adam_resumes_with_AdamOptimizer()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody(seed: 1);
        var old = optim.Adam(model.parameters(), 1e-3);
        var data = TinyModels.RandomWindows(8, 1).Batch(Enumerable.Range(0, 8).ToArray(), null);
        model.train();
        model.forward(data).sum().backward(); // some gradient, so the moments are not zero
        old.step();
        var store = new CheckpointStore(dir.Path);
        store.Save(model, old, 1);

        using var resumed = TinyModels.Melody(seed: 1);
        var optimizer = new AdamOptimizer(resumed.parameters(), 1e-3);
        Assert.Equal(1, store.Restore(resumed, optimizer)!.Step);
        var a = old.state_dict().State;
        var b = optimizer.state_dict().State;
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            var (x, y) = ((Adam.State)a[i], (Adam.State)b[i]);
            Assert.Equal(x.step, y.step);
            Assert.True(x.exp_avg.SameAs(y.exp_avg));
            Assert.True(x.exp_avg_sq.SameAs(y.exp_avg_sq));
        }
    }

    [Fact]
    public void Delete_removes_the_checkpoint_and_the_previous_one()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody(seed: 1);
        var store = new CheckpointStore(dir.Path);
        store.Save(model, optim.Adam(model.parameters()), 2);
        Directory.CreateDirectory(store.Directory + ".previous");
        store.Delete();
        Assert.False(store.Exists);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
