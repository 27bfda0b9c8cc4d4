using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace VaeCreative.Core.Runtime;

/// <summary>
/// Runs the independent parts of one libtorch job at the same time, one OS thread each (part 0 on the caller's, the
/// others on long-lived threads kept for this): the rows of a generation
/// batch, which a step decodes with small matrix products that libtorch runs on one core however many it is given.
/// </summary>
/// <remarks>
/// <para>
/// Each part runs with its thread's OpenMP team at one thread (set on that thread only and restored afterwards), so
/// the parts do not compete with libtorch's own workers for the cores: a libtorch thread that has run a parallel
/// operation leaves its workers spinning for a while after it, and on two cores those spin where the other part runs.
/// </para>
/// <para>
/// Parts started on other threads run in the caller's gradient mode (inference mode, or no gradients), which libtorch
/// keeps per thread, with denormals flushed (<see cref="TorchRuntime.FlushDenormals"/>), and in a dispose scope of
/// their own: what a part returns must not be a tensor made on its thread.
/// </para>
/// </remarks>
public static class ThreadedParts
{
    private static readonly Lazy<bool> OpenMp = new(() =>
    {
        TorchRuntime.EnsureLoaded();
        try
        {
            return OmpGetMaxThreads() >= 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    });

    /// <summary>
    /// How many parts a job of <paramref name="items"/> items (rows) splits into: one per intra-op thread of the
    /// calling thread (<see cref="TorchRuntime.Threads"/>), with at least <paramref name="minPerPart"/> items each;
    /// 1 where libtorch's threads are not OpenMP's (then nothing is split).
    /// </summary>
    public static int Count(long items, int minPerPart)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPerPart, 1);
        if (!OpenMp.Value) return 1;
        return (int)Math.Clamp(items / minPerPart, 1, Math.Max(1, TorchRuntime.Threads));
    }

    /// <summary>
    /// <paramref name="work"/>(0 … <paramref name="parts"/> − 1), part 0 on the calling thread and each other part on an
    /// idle part thread (made when none is idle), every part with one intra-op thread; returns the results in part order. The first exception
    /// a part throws (in part order) is rethrown once every part has ended.
    /// </summary>
    public static T[] Run<T>(int parts, Func<int, T> work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentNullException.ThrowIfNull(work);
        var results = new T[parts];
        if (parts == 1)
        {
            results[0] = work(0);
            return results;
        }
        if (!OpenMp.Value) throw new InvalidOperationException("this libtorch build does not use OpenMP threads: run one part (see ThreadedParts.Count).");
        var inference = torch.is_inference_mode_enabled();
        var gradients = torch.is_grad_enabled();
        var failures = new ExceptionDispatchInfo?[parts];
        var workers = new PartThread[parts - 1];
        using var done = new CountdownEvent(parts - 1);
        for (var p = 1; p < parts; p++)
        {
            var part = p;
            workers[p - 1] = PartThread.Take();
            workers[p - 1].Start(() =>
            {
                try
                {
                    using var mode = inference ? torch.inference_mode() : gradients ? null : (IDisposable)torch.no_grad();
                    using var scope = torch.NewDisposeScope();
                    results[part] = work(part);
                }
                catch (Exception e)
                {
                    failures[part] = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    done.Signal();
                }
            });
        }
        _ = torch.get_num_threads();
        var own = OmpGetMaxThreads();
        try
        {
            OmpSetNumThreads(1);
            results[0] = work(0);
        }
        catch (Exception e)
        {
            failures[0] = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            OmpSetNumThreads(own);
            done.Wait();
            foreach (var w in workers) PartThread.Return(w);
        }
        failures.FirstOrDefault(f => f is not null)?.Throw();
        return results;
    }

    /// <summary>
    /// A long-lived thread that runs parts: made once (a new OS thread pays libtorch's per-thread set-up at its first
    /// operation, milliseconds), with denormals flushed and OpenMP at one thread, then kept idle in a pool between runs.
    /// </summary>
    private sealed class PartThread
    {
        private static readonly System.Collections.Concurrent.ConcurrentBag<PartThread> Idle = [];
        private static int made;
        private readonly SemaphoreSlim ready = new(0);
        private Action? job;

        private PartThread()
        {
            var number = Interlocked.Increment(ref made);
            new Thread(Loop) { IsBackground = true, Name = $"vaecreative part {number}" }.Start();
        }

        /// <summary>An idle part thread, or a new one when every made one is busy (in another run).</summary>
        public static PartThread Take() => Idle.TryTake(out var idle) ? idle : new PartThread();

        /// <summary>Gives <paramref name="thread"/> back to the pool once its job has ended.</summary>
        public static void Return(PartThread thread) => Idle.Add(thread);

        /// <summary>Runs <paramref name="work"/> on this thread (which must be idle); it must not throw.</summary>
        public void Start(Action work)
        {
            job = work;
            ready.Release();
        }

        private void Loop()
        {
            TorchRuntime.FlushDenormals();
            _ = torch.get_num_threads(); // libtorch's lazy per-thread set-up first: it would undo the count below
            OmpSetNumThreads(1);
            while (true)
            {
                ready.Wait();
                var work = Interlocked.Exchange(ref job, null);
                work?.Invoke();
            }
        }
    }

    // OpenMP's per-thread team size (libgomp, which libtorch_cpu loads): libtorch's set_num_threads would also change
    // the count every thread that starts libtorch work later takes.
    [DllImport("libtorch_cpu", EntryPoint = "omp_set_num_threads")]
    private static extern void OmpSetNumThreads(int threads);

    [DllImport("libtorch_cpu", EntryPoint = "omp_get_max_threads")]
    private static extern int OmpGetMaxThreads();
}
