namespace VaeCreative.Host.Server.Execution;

/// <summary>
/// One request waiting for the model. Items with the same <see cref="BatchKey"/> may run together: the worker calls
/// <see cref="Run"/> on the first with all of them.
/// </summary>
public abstract class WorkItem
{
    private readonly TaskCompletionSource<int> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates an item that is dropped, unrun, once <paramref name="cancellation"/> fires.</summary>
    protected WorkItem(string requestId, CancellationToken cancellation)
    {
        RequestId = requestId;
        Cancellation = cancellation;
    }

    /// <summary>The request's id.</summary>
    public string RequestId { get; }

    /// <summary>Fires when the client has gone or the deadline passed.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Items with equal keys can share a model pass; null runs alone.</summary>
    public virtual string? BatchKey => null;

    /// <summary>Rows this item adds to a pass (outputs × chunks).</summary>
    public virtual int Rows => 1;

    /// <summary>Completes with the number of requests that shared the pass.</summary>
    public Task<int> Completion => done.Task;

    /// <summary>
    /// Runs <paramref name="batch"/> (this item first; all share its type and key) on the worker thread;
    /// <paramref name="cancellationToken"/> fires once every item's <see cref="Cancellation"/> has, and the work stops
    /// at its next check with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public abstract void Run(IReadOnlyList<WorkItem> batch, CancellationToken cancellationToken);

    /// <summary>Marks the item done.</summary>
    public void Succeed(int batchedWith) => done.TrySetResult(batchedWith);

    /// <summary>Marks the item failed.</summary>
    public void Fail(Exception e) => done.TrySetException(e);

    /// <summary>Marks the item dropped: before it ran, or stopped while it ran because its caller stopped waiting.</summary>
    public void Drop() => done.TrySetCanceled(Cancellation.IsCancellationRequested ? Cancellation : new CancellationToken(true));
}
