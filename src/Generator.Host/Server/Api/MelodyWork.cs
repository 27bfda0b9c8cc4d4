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

/// <summary>An interpolation between two melodies (runs alone).</summary>
public sealed class MelodyInterpolationWork(string requestId, CancellationToken cancellation, MelodyGenerator generator, string modelDirectory,
    Melody from, Melody to, int steps, double temperature, long rng, InferencePrecision precision) : WorkItem(requestId, cancellation)
{
    /// <summary>The melodies from start to end, once run.</summary>
    public IReadOnlyList<Melody> Result { get; private set; } = [];

    /// <inheritdoc />
    public override void Run(IReadOnlyList<WorkItem> batch) =>
        Result = generator.Interpolate(from, to, steps, temperature, rng, modelDirectory, precision);
}

/// <summary>Melodies drawn from the prior (runs alone).</summary>
public sealed class MelodySampleWork(string requestId, CancellationToken cancellation, MelodyGenerator generator, string modelDirectory,
    int count, double temperature, long rng, double tempoQpm, InferencePrecision precision) : WorkItem(requestId, cancellation)
{
    /// <summary>The samples, once run.</summary>
    public IReadOnlyList<Melody> Result { get; private set; } = [];

    /// <inheritdoc />
    public override void Run(IReadOnlyList<WorkItem> batch) =>
        Result = generator.Sample(count, temperature, rng, tempoQpm, modelDirectory, precision);
}
