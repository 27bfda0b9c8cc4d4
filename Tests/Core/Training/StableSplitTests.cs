using VaeCreative.Core.Training;

namespace VaeCreative.Tests.Core.Training;

public class StableSplitTests
{
    [Fact]
    public void The_hashes_are_fnv1a_with_their_published_values()
    {
        // FNV-1a test vectors (Fowler, Noll, Vo): the split of every trained model depends on these never changing.
        Assert.Equal(0x1A47E90Bu, StableSplit.Hash("abc"));
        Assert.Equal(0xE71FA2190541574BUL, StableSplit.Hash64("abc"u8));
        Assert.Equal(2166136261u, StableSplit.Hash(""));
    }

    [Fact]
    public void A_hash_is_held_out_when_its_bucket_lies_below_the_fraction()
    {
        // "a/b.mid" hashes to 2346135213, bucket 5213.
        Assert.Equal(2346135213u, StableSplit.Hash("a/b.mid"));
        Assert.True(StableSplit.IsPathHeldOut("a/b.mid", 0.5214));
        Assert.False(StableSplit.IsPathHeldOut("a/b.mid", 0.5213));
        Assert.False(StableSplit.IsHeldOut(0, 0));
        Assert.False(StableSplit.IsHeldOut(0, -1));
        Assert.True(StableSplit.IsHeldOut(0, 0.0001));
    }

    [Fact]
    public void A_path_splits_alike_with_either_separator()
    {
        for (var i = 0; i < 200; i++)
            Assert.Equal(StableSplit.IsPathHeldOut($"set{i}/tune{i}.mid", 0.3), StableSplit.IsPathHeldOut($"set{i}\\tune{i}.mid", 0.3));
    }
}
