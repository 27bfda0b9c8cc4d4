using VaeCreative.Core.Modalities;
using VaeCreative.Host.Server.Execution;

namespace VaeCreative.Host.Server.Api;

/// <summary>
/// One generation request (variation, interpolation or sample) of any modality, waiting for the model. Requests of
/// one kind for the same model and precision share a pass: the worker hands all their <typeparamref name="TRequest"/>s
/// to the modality generator's batched method (<c>VaryMany</c>, <c>InterpolateMany</c>, <c>SampleMany</c>) at once.
/// </summary>
public sealed class MaterialWork<TRequest>(string requestId, CancellationToken cancellation, string batchKey, int rows, TRequest request,
    Func<IReadOnlyList<TRequest>, CancellationToken, IReadOnlyList<IReadOnlyList<Material>>> runMany) : WorkItem(requestId, cancellation)
{
    /// <summary>The request.</summary>
    public TRequest Request { get; } = request;

    /// <summary>The outputs, once run.</summary>
    public IReadOnlyList<Material> Result { get; private set; } = [];

    /// <inheritdoc />
    public override string BatchKey => batchKey;

    /// <inheritdoc />
    public override int Rows => rows;

    /// <inheritdoc />
    public override void Run(IReadOnlyList<WorkItem> batch, CancellationToken cancellationToken)
    {
        var items = batch.Cast<MaterialWork<TRequest>>().ToList();
        var results = runMany(items.Select(i => i.Request).ToList(), cancellationToken);
        for (var i = 0; i < items.Count; i++) items[i].Result = results[i];
    }
}
