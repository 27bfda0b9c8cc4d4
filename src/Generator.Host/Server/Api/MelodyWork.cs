using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Serving;
using VaeCreative.Host.Server.Execution;

namespace VaeCreative.Host.Server.Api;

/// <summary>Variations of one melody seed; requests for the same model and precision decode together.</summary>
public sealed class MelodyVariationWork(string requestId, CancellationToken cancellation, MelodyGenerator generator, string modelDirectory,
    MelodyVariationRequest request) : WorkItem(requestId, cancellation)
{
    /// <summary>The request.</summary>
    public MelodyVariationRequest Request { get; } = request;

    /// <summary>The variations, once run.</summary>
    public IReadOnlyList<Melody> Result { get; private set; } = [];

    /// <inheritdoc />
    public override string BatchKey => $"vary|{Request.Options.Precision}|{modelDirectory}";

    /// <inheritdoc />
    public override int Rows { get; } = request.Options.Count * MelodyWindows.Chunks(request.Seed).Length;

    /// <inheritdoc />
    public override void Run(IReadOnlyList<WorkItem> batch)
    {
        var items = batch.Cast<MelodyVariationWork>().ToList();
        var results = generator.VaryMany(items.Select(i => i.Request).ToList(), modelDirectory);
        for (var i = 0; i < items.Count; i++) items[i].Result = results[i];
    }
}

/// <summary>An interpolation between two melodies; interpolations for the same model and precision decode together.</summary>
public sealed class MelodyInterpolationWork(string requestId, CancellationToken cancellation, MelodyGenerator generator, string modelDirectory,
    MelodyInterpolationRequest request, InferencePrecision precision) : WorkItem(requestId, cancellation)
{
    /// <summary>The request.</summary>
    public MelodyInterpolationRequest Request { get; } = request;

    /// <summary>The melodies from start to end, once run.</summary>
    public IReadOnlyList<Melody> Result { get; private set; } = [];

    /// <inheritdoc />
    public override string BatchKey => $"interpolate|{precision}|{modelDirectory}";

    /// <inheritdoc />
    public override int Rows { get; } = request.Steps * MelodyWindows.Chunks(request.From).Length;

    /// <inheritdoc />
    public override void Run(IReadOnlyList<WorkItem> batch)
    {
        var items = batch.Cast<MelodyInterpolationWork>().ToList();
        var results = generator.InterpolateMany(items.Select(i => i.Request).ToList(), modelDirectory, precision);
        for (var i = 0; i < items.Count; i++) items[i].Result = results[i];
    }
}

/// <summary>Melodies drawn from the prior; samples for the same model and precision decode together.</summary>
public sealed class MelodySampleWork(string requestId, CancellationToken cancellation, MelodyGenerator generator, string modelDirectory,
    MelodySampleRequest request, InferencePrecision precision) : WorkItem(requestId, cancellation)
{
    /// <summary>The request.</summary>
    public MelodySampleRequest Request { get; } = request;

    /// <summary>The samples, once run.</summary>
    public IReadOnlyList<Melody> Result { get; private set; } = [];

    /// <inheritdoc />
    public override string BatchKey => $"sample|{precision}|{modelDirectory}";

    /// <inheritdoc />
    public override int Rows => Request.Count;

    /// <inheritdoc />
    public override void Run(IReadOnlyList<WorkItem> batch)
    {
        var items = batch.Cast<MelodySampleWork>().ToList();
        var results = generator.SampleMany(items.Select(i => i.Request).ToList(), modelDirectory, precision);
        for (var i = 0; i < items.Count; i++) items[i].Result = results[i];
    }
}
