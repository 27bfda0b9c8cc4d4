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
                GC.Collect();
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
