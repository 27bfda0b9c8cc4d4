namespace VaeCreative.Tests.Support;

/// <summary>
/// Forces garbage collections and runs finalizers back to back on a thread of its own, as a busy host's request
/// threads do: what frees a TorchSharp Scalar made on the fly while libtorch still reads it.
/// </summary>
public sealed class CollectorThread : IDisposable
{
    private readonly Thread thread;
    private volatile bool stopping;

    public CollectorThread()
    {
        thread = new Thread(() =>
        {
            while (!stopping)
            {
                // The Scalars a race would free are temporaries, collected young: mostly gen-0 collections (as quick at
                // any heap size), every 16th a full one. Full ones alone took seconds a hundred once the test process
                // held the other tests' models, and these tests' counted budgets took 9 of the suite's 16 minutes.
                GC.Collect(Collections % 16 == 0 ? GC.MaxGeneration : 0);
                GC.WaitForPendingFinalizers();
                Collections++;
            }
        }) { IsBackground = true, Name = "collector" };
        thread.Start();
    }

    /// <summary>Collections forced so far.</summary>
    public long Collections { get; private set; }

    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }
}

/// <summary>Tests that run alone: a collector thread would expose other tests' on-the-fly Scalars.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
