using System.Diagnostics;
using System.Threading.Channels;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Runtime;

namespace VaeCreative.Host.Server.Execution;

/// <summary>
/// The bounded queue in front of the models and the dedicated worker thread that drains it. The worker takes the
/// oldest request, gathers the waiting requests that can share its pass (same model and kind, up to
/// <see cref="ServerOptions.MaxBatchRows"/> rows, waiting at most <see cref="ServerOptions.MaxBatchWait"/> for more),
/// drops those whose client left or whose deadline passed, and runs the rest as one batch. Model work never runs
/// on request threads, so dispose scopes never cross an await.
/// </summary>
public sealed class GenerationQueue : IDisposable
{
    private readonly Channel<WorkItem> channel;
    private readonly ServerOptions options;
    private readonly Thread worker;
    private readonly ManualResetEventSlim running = new(true);
    private readonly LinkedList<WorkItem> deferred = new(); // read while gathering a batch of another key
    private long executed, batches, dropped, rejected, abandoned;
    private int waiting, arriving;

    /// <summary>Starts the worker.</summary>
    public GenerationQueue(ServerOptions options)
    {
        this.options = options;
        channel = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // never used to wait: TryWrite fails when full and the caller gets 429
        });
        worker = new Thread(Work) { IsBackground = true, Name = "vaecreative-model-worker" };
        worker.Start();
    }

    /// <summary>Requests run on a model.</summary>
    public long Executed => Interlocked.Read(ref executed);

    /// <summary>Model passes run.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>
    /// Requests dropped because their client left or their deadline passed: unrun, or stopped while running (once every
    /// request of the pass had gone, so that no work goes on after the answer).
    /// </summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Requests refused because the queue was full.</summary>
    public long Rejected => Interlocked.Read(ref rejected);

    /// <summary>Requests whose caller stopped waiting (client gone or deadline) while they were queued or running.</summary>
    public long Abandoned => Interlocked.Read(ref abandoned);

    /// <summary>Requests waiting now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>False once shutdown began.</summary>
    public bool Accepting { get; private set; } = true;

    /// <summary>Counters and settings for /v1/info.</summary>
    public QueueInfo Describe() => new()
    {
        Capacity = options.QueueCapacity,
        Waiting = Waiting,
        Batching = options.Batching,
        MaxBatchRows = options.MaxBatchRows,
        MaxWaitMs = options.MaxBatchWait.TotalMilliseconds,
        Executed = Executed,
        Batches = Batches,
        Dropped = Dropped,
        Rejected = Rejected,
    };

    /// <summary>Queues <paramref name="item"/>; false when the queue is full (or closed).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        Interlocked.Increment(ref waiting);
        if (channel.Writer.TryWrite(item)) return true;
        Interlocked.Decrement(ref waiting);
        Interlocked.Increment(ref rejected);
        return false;
    }

    /// <summary>
    /// Announces a request that is being read and checked and will be queued soon. A pass only waits for more
    /// requests to join while some are announced: a lone request runs at once instead of paying the batching wait.
    /// Dispose the result when the request is queued or refused.
    /// </summary>
    public IDisposable Announce()
    {
        Interlocked.Increment(ref arriving);
        return new Arrival(this);
    }

    private sealed class Arrival(GenerationQueue queue) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) Interlocked.Decrement(ref queue.arriving);
        }
    }

    /// <summary>Counts a caller that stopped waiting.</summary>
    public void CountAbandoned() => Interlocked.Increment(ref abandoned);

    /// <summary>Holds the worker after its current pass (tests and maintenance); <see cref="Resume"/> lets it go on.</summary>
    internal void Pause() => running.Reset();

    /// <summary>Lets a paused worker go on.</summary>
    internal void Resume() => running.Set();

    /// <summary>Stops taking requests; the worker finishes what is queued, then ends. Waits up to <paramref name="timeout"/>.</summary>
    public bool Complete(TimeSpan timeout)
    {
        Accepting = false;
        channel.Writer.TryComplete();
        running.Set();
        return worker.Join(timeout);
    }

    private void Work()
    {
        // libtorch's thread count is per thread: this one's is fixed here, whatever training jobs set on theirs later.
        TorchRuntime.SetThreads(options.ServingThreads);
        while (true)
        {
            var first = Next();
            if (first is null) return; // closed and drained
            var batch = new List<WorkItem> { first };
            if (options.Batching && first.BatchKey is not null) Gather(batch);
            var live = new List<WorkItem>(batch.Count);
            foreach (var item in batch)
            {
                if (item.Cancellation.IsCancellationRequested)
                {
                    Interlocked.Increment(ref dropped);
                    item.Drop();
                }
                else live.Add(item);
            }
            if (live.Count > 0) Run(live);
        }
    }

    private void Gather(List<WorkItem> batch)
    {
        var key = batch[0].BatchKey;
        var rows = batch[0].Rows;
        for (var node = deferred.First; node is not null && rows < options.MaxBatchRows;)
        {
            var nextNode = node.Next;
            if (node.Value.BatchKey == key && rows + node.Value.Rows <= options.MaxBatchRows)
            {
                batch.Add(node.Value);
                rows += node.Value.Rows;
                deferred.Remove(node);
            }
            node = nextNode;
        }
        var until = Stopwatch.GetTimestamp() + (long)(options.MaxBatchWait.TotalSeconds * Stopwatch.Frequency);
        while (rows < options.MaxBatchRows)
        {
            if (channel.Reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref waiting);
                if (item.BatchKey == key && rows + item.Rows <= options.MaxBatchRows)
                {
                    batch.Add(item);
                    rows += item.Rows;
                }
                else deferred.AddLast(item);
                continue;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), until);
            if (left <= TimeSpan.Zero || Volatile.Read(ref arriving) == 0) return;
            // Wait in short slices so that a pass stops waiting as soon as no announced request is left.
            using var timeout = new CancellationTokenSource(left < TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1));
            try
            {
                if (!channel.Reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult()) return;
            }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>The next request (a deferred one first), waiting for one; null once the queue is closed and drained.</summary>
    private WorkItem? Next()
    {
        if (deferred.First is { } head)
        {
            deferred.RemoveFirst();
            return head.Value;
        }
        while (true)
        {
            running.Wait(); // a paused worker leaves requests in the queue, where they count as waiting
            if (channel.Reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref waiting);
                return item;
            }
            if (!channel.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return null;
        }
    }

    private void Run(List<WorkItem> batch)
    {
        Interlocked.Increment(ref batches);
        using var abandoned = new AllCancelled(batch);
        try
        {
            batch[0].Run(batch, abandoned.Token);
            Interlocked.Add(ref executed, batch.Count);
            foreach (var item in batch) item.Succeed(batch.Count);
        }
        catch (OperationCanceledException) when (abandoned.Token.IsCancellationRequested)
        {
            DropAll(batch);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad request must not fail its neighbours: run each alone to find it.
            foreach (var item in batch)
            {
                try
                {
                    item.Run([item], item.Cancellation);
                    Interlocked.Increment(ref executed);
                    item.Succeed(1);
                }
                catch (OperationCanceledException) when (item.Cancellation.IsCancellationRequested) { DropAll([item]); }
                catch (Exception e) { item.Fail(e); }
            }
        }
        catch (Exception e)
        {
            batch[0].Fail(e);
        }
    }

    /// <summary>Counts and drops items whose work was stopped because every caller in the pass stopped waiting.</summary>
    private void DropAll(IReadOnlyList<WorkItem> batch)
    {
        Interlocked.Add(ref dropped, batch.Count);
        foreach (var item in batch) item.Drop();
    }

    /// <summary>
    /// A token cancelled once every item of a pass is: a pass whose callers have all gone (client left, deadline
    /// passed) stops, while a pass that still has one caller waiting runs on for it.
    /// </summary>
    private sealed class AllCancelled : IDisposable
    {
        private readonly CancellationTokenSource source = new();
        private readonly List<CancellationTokenRegistration> registrations = [];
        private int live;

        public AllCancelled(IReadOnlyList<WorkItem> batch)
        {
            live = batch.Count;
            foreach (var item in batch)
                registrations.Add(item.Cancellation.Register(() =>
                {
                    if (Interlocked.Decrement(ref live) == 0) source.Cancel();
                }));
        }

        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            foreach (var registration in registrations) registration.Dispose();
            source.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Complete(TimeSpan.FromSeconds(10));
        running.Dispose();
    }
}
