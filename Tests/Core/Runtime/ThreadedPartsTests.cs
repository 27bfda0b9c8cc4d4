using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Runtime;

public class ThreadedPartsTests
{
    [Fact]
    public void Parts_run_on_threads_of_their_own_and_come_back_in_order()
    {
        var threads = new int[3];
        var results = ThreadedParts.Run(3, p =>
        {
            threads[p] = Environment.CurrentManagedThreadId;
            using var sum = arange(p * 10, p * 10 + 10).sum();
            return sum.item<long>();
        });
        Assert.Equal([45L, 145L, 245L], results);
        Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
        Assert.Equal(3, threads.Distinct().Count());
    }

    [Fact]
    public void Each_part_has_one_intra_op_thread_and_the_caller_gets_its_count_back()
    {
        var before = get_num_threads();
        var counts = ThreadedParts.Run(2, _ => get_num_threads());
        Assert.Equal([1, 1], counts);
        Assert.Equal(before, get_num_threads());
    }

    [Fact]
    public void Parts_on_other_threads_run_in_the_callers_gradient_mode()
    {
        bool[] Modes() => ThreadedParts.Run(2, _ => is_grad_enabled()).Concat(ThreadedParts.Run(2, _ => is_inference_mode_enabled())).ToArray();
        using (inference_mode()) Assert.Equal([false, false, true, true], Modes());
        using (no_grad()) Assert.Equal([false, false, false, false], Modes());
        Assert.Equal([true, true, false, false], Modes());
    }

    [Fact]
    public void A_failing_part_fails_the_run_with_its_own_exception_once_every_part_has_ended()
    {
        var ended = 0;
        var e = Assert.Throws<InvalidDataException>(() => ThreadedParts.Run(3, p =>
        {
            if (p == 2) throw new InvalidDataException("part 2");
            Thread.Sleep(50);
            Interlocked.Increment(ref ended);
            return p;
        }));
        Assert.Equal("part 2", e.Message);
        Assert.Equal(2, ended);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(100, 2)]
    [InlineData(100, 200)]
    public void A_job_splits_into_at_most_one_part_per_intra_op_thread_and_never_below_the_smallest_part(long items, int minPerPart)
    {
        var parts = ThreadedParts.Count(items, minPerPart);
        Assert.InRange(parts, 1, Math.Max(1, get_num_threads()));
        Assert.True(parts == 1 || items / parts >= minPerPart, $"{items} items in {parts} parts");
    }

    [Fact]
    public void A_part_count_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadedParts.Run(0, p => p));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadedParts.Count(10, 0));
    }
}
