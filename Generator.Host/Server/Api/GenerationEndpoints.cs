using System.Diagnostics;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Client.Contracts;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;

namespace VaeCreative.Host.Server.Api;

/// <summary><c>POST /v1/models/{id}/variations|interpolations|samples</c>.</summary>
public static class GenerationEndpoints
{
    /// <summary>Maps the endpoints onto <paramref name="v1"/>.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/models/{id}/variations", Variations)
            .Accepts<VariationsRequest>("application/json").Produces<GenerationResponse>()
            .WithSummary("Variations of seed material.").WithName("CreateVariations");
        v1.MapPost("/models/{id}/interpolations", Interpolations)
            .Accepts<InterpolationsRequest>("application/json").Produces<GenerationResponse>()
            .WithSummary("Outputs on the way from one material to another.").WithName("CreateInterpolations");
        v1.MapPost("/models/{id}/samples", Samples)
            .Accepts<SamplesRequest>("application/json").Produces<GenerationResponse>()
            .WithSummary("New material drawn from the model's prior.").WithName("CreateSamples");
    }

    private static async Task<GenerationResponse?> Variations(string id, HttpContext context, ServerContext host)
    {
        var started = Stopwatch.GetTimestamp();
        using var arrival = host.Queue.Announce();
        var body = await RequestBody.Read<VariationsRequest>(context, host.Options);
        var requestId = RequestIds.Assign(context, body.RequestId);
        var model = MelodyModel(host, id);
        CheckCount(body.Count, host.Options.MaxCount, "count");
        var options = new VaryOptions
        {
            Count = body.Count, Similarity = body.Similarity, Temperature = body.Temperature, Rng = body.Rng, Precision = host.Precision,
        };
        Validate(() => options.Validate());
        var seed = ReadSeed(body.Seed, "seed", host.Options.MaxSeedBars);
        var request = new MelodyVariationRequest(seed, options);
        return await Execute(context, host, requestId, id, started, body.TimeoutMs, ct =>
            new MelodyWork<MelodyVariationRequest>(requestId, ct, $"vary|{host.Precision}|{model.Directory}",
                options.Count * MelodyWindows.Chunks(seed).Length, request, batch => host.Melodies.VaryMany(batch, model.Directory)), arrival);
    }

    private static async Task<GenerationResponse?> Interpolations(string id, HttpContext context, ServerContext host)
    {
        var started = Stopwatch.GetTimestamp();
        using var arrival = host.Queue.Announce();
        var body = await RequestBody.Read<InterpolationsRequest>(context, host.Options);
        var requestId = RequestIds.Assign(context, body.RequestId);
        var model = MelodyModel(host, id);
        if (body.Steps < 2) throw Problems.BadRequest($"steps must be at least 2; got {body.Steps}.");
        CheckCount(body.Steps, host.Options.MaxCount, "steps");
        var from = ReadSeed(body.From, "from", host.Options.MaxSeedBars);
        var to = ReadSeed(body.To, "to", host.Options.MaxSeedBars);
        var request = new MelodyInterpolationRequest(from, to, body.Steps, body.Temperature, body.Rng);
        Validate(() => request.Validate());
        return await Execute(context, host, requestId, id, started, body.TimeoutMs, ct =>
            new MelodyWork<MelodyInterpolationRequest>(requestId, ct, $"interpolate|{host.Precision}|{model.Directory}",
                body.Steps * MelodyWindows.Chunks(from).Length, request, batch => host.Melodies.InterpolateMany(batch, model.Directory, host.Precision)), arrival);
    }

    private static async Task<GenerationResponse?> Samples(string id, HttpContext context, ServerContext host)
    {
        var started = Stopwatch.GetTimestamp();
        using var arrival = host.Queue.Announce();
        var body = await RequestBody.Read<SamplesRequest>(context, host.Options);
        var requestId = RequestIds.Assign(context, body.RequestId);
        var model = MelodyModel(host, id);
        CheckCount(body.Count, host.Options.MaxCount, "count");
        if (body.TempoQpm is < 20 or > 400) throw Problems.BadRequest($"tempoQpm must be between 20 and 400; got {body.TempoQpm}.");
        var request = new MelodySampleRequest(body.Count, body.Temperature, body.Rng, body.TempoQpm);
        Validate(() => request.Validate());
        return await Execute(context, host, requestId, id, started, body.TimeoutMs, ct =>
            new MelodyWork<MelodySampleRequest>(requestId, ct, $"sample|{host.Precision}|{model.Directory}",
                body.Count, request, batch => host.Melodies.SampleMany(batch, model.Directory, host.Precision)), arrival);
    }

    /// <summary>Queues the work, waits for it (or for the client to leave / the deadline), and shapes the answer.</summary>
    private static async Task<GenerationResponse?> Execute<TRequest>(HttpContext context, ServerContext host, string requestId, string modelId, long started,
        int? timeoutMs, Func<CancellationToken, MelodyWork<TRequest>> create, IDisposable arrival)
    {
        if (timeoutMs is < 1 or > 600_000) throw Problems.BadRequest($"timeoutMs must be between 1 and 600000; got {timeoutMs}.");
        var timeout = timeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : host.Options.DefaultTimeout;
        using var deadline = new CancellationTokenSource(timeout);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        var work = create(cancel.Token);
        if (!host.Queue.Accepting) throw Problems.Unavailable();
        var queued = host.Queue.TryEnqueue(work);
        arrival.Dispose(); // queued (or refused): no longer on its way
        if (!queued) throw host.Queue.Accepting ? Problems.Overloaded(host.Options.QueueCapacity) : Problems.Unavailable();
        int batched;
        try
        {
            batched = await work.Completion.WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            host.Queue.CountAbandoned();
            if (context.RequestAborted.IsCancellationRequested) return null; // nobody to answer
            throw Problems.DeadlineExceeded(timeout);
        }
        return new GenerationResponse
        {
            RequestId = requestId,
            Model = modelId,
            Outputs = work.Result.Select(ToMaterial).ToList(),
            BatchedRequests = batched,
            ElapsedMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2),
        };
    }

    private static Material ToMaterial(Melody melody) => new()
    {
        Midi = Convert.ToBase64String(MidiMelodyWriter.ToBytes(melody)),
        Notes = melody.NoteCount,
        Bars = Math.Round(melody.Steps / (double)MelodyEncoding.StepsPerBar, 3),
    };

    private static CatalogEntry MelodyModel(ServerContext host, string id)
    {
        var entry = host.Catalog.Get(id);
        if (entry.Manifest.Modality != MelodyModality.Name)
            throw Problems.BadRequest($"model '{id}' is a {entry.Manifest.Modality} model; this host build generates {MelodyModality.Name} material only.");
        return entry;
    }

    private static Melody ReadSeed(Material? material, string field, int maxBars)
    {
        if (material?.Midi is not { Length: > 0 } base64)
            throw Problems.BadSeed($"'{field}' must be an object with 'midi': a base64-encoded MIDI file.");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64); }
        catch (FormatException) { throw Problems.BadSeed($"'{field}.midi' is not valid base64."); }
        Melody melody;
        // The reader refuses a seed over the host's length from its declared timing, before building it.
        try { melody = MidiMelodyReader.Read(bytes, field, maxSteps: maxBars * MelodyEncoding.StepsPerBar); }
        catch (MidiReadException e) when (e.Failure == MidiReadFailure.TooLong) { throw Problems.LimitExceeded($"{e.Message} (this host's limit)."); }
        catch (MidiReadException e) { throw Problems.BadSeed(e.Message); }
        if (melody.NoteCount == 0) throw Problems.BadSeed($"the '{field}' MIDI file has no notes.");
        return melody;
    }

    private static void CheckCount(int count, int max, string name)
    {
        if (count < 1) throw Problems.BadRequest($"{name} must be at least 1; got {count}.");
        if (count > max) throw Problems.LimitExceeded($"{name} is {count}; this host's limit per request is {max}.");
    }

    private static void Validate(Action check)
    {
        try { check(); }
        catch (ArgumentOutOfRangeException e) { throw Problems.BadRequest(e.Message.Split('\n')[0].Split(" (Parameter")[0]); }
    }
}
