using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
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
