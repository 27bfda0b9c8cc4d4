using System.Diagnostics;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Variation;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;

namespace VaeCreative.Host.Server.Api;

/// <summary><c>POST /v1/models/{id}/variations|interpolations|samples</c>.</summary>
public static class GenerationEndpoints
{
    /// <summary>Maps the endpoints onto <paramref name="v1"/>.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        v1 = v1.MapGroup("").WithTags("generation");
        v1.MapPost("/models/{id}/variations", Variations)
            .Accepts<VariationsRequest>("application/json").Produces<GenerationResponse>()
            .ProducesProblems(400, 404, 408, 413, 415, 429, 503, 504)
            .WithSummary("Variations of seed material.").WithName("CreateVariations");
        v1.MapPost("/models/{id}/interpolations", Interpolations)
            .Accepts<InterpolationsRequest>("application/json").Produces<GenerationResponse>()
            .ProducesProblems(400, 404, 408, 413, 415, 429, 503, 504)
            .WithSummary("Outputs on the way from one material to another.").WithName("CreateInterpolations");
        v1.MapPost("/models/{id}/samples", Samples)
            .Accepts<SamplesRequest>("application/json").Produces<GenerationResponse>()
            .ProducesProblems(400, 404, 408, 413, 415, 429, 503, 504)
            .WithSummary("New material drawn from the model's prior.").WithName("CreateSamples");
        v1.MapPost("/models/{id}/encodings", Encodings)
            .Accepts<EncodingsRequest>("application/json").Produces<GenerationResponse>()
            .ProducesProblems(400, 404, 408, 413, 415, 429, 503, 504)
            .WithSummary("A seed's latent codes as a safetensors file (image models).").WithName("CreateEncodings");
        v1.MapPost("/models/{id}/decodings", Decodings)
            .Accepts<DecodingsRequest>("application/json").Produces<GenerationResponse>()
            .ProducesProblems(400, 404, 408, 413, 415, 429, 503, 504)
            .WithSummary("Material decoded from a latent file (image models).").WithName("CreateDecodings");
    }

    /// <summary>Keys of encode and decode passes.</summary>
    private const string EncodeKey = "encode", DecodeKey = "decode";

    private static async Task<GenerationResponse?> Encodings(string id, HttpContext context, ServerContext host)
    {
        using var call = await Call<EncodingsRequest>.Begin(id, context, host, b => b.RequestId);
        var (body, generator, format) = (call.Body, call.Generator, call.DefaultMediaType);
        var (_, seed) = Prepare(host, generator, body.Seed, "seed", format);
        var modality = call.Modality.Name;
        return await call.Execute(body.TimeoutMs, false, null, ct =>
            new MaterialWork<PreparedSeed>(call.RequestId, ct, Key(EncodeKey, host, generator), seed.Rows, seed, (requests, token) =>
                requests.Select(s => (IReadOnlyList<Core.Modalities.Material>)[Core.Modalities.Material.FromBytes(LatentCodes.MediaType, Supported(() => generator.Encode(s)).ToBytes(modality, id))]).ToList()));
    }

    private static async Task<GenerationResponse?> Decodings(string id, HttpContext context, ServerContext host)
    {
        using var call = await Call<DecodingsRequest>.Begin(id, context, host, b => b.RequestId);
        var (body, generator) = (call.Body, call.Generator);
        if (body.Latent is not { MediaType: LatentCodes.MediaType, Data: { } data })
            throw Problems.BadRequest($"latent must be {{\"mediaType\": \"{LatentCodes.MediaType}\", \"data\": \"<base64 of the file>\"}}.");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(data); }
        catch (FormatException) { throw Problems.BadRequest("latent.data is not base64."); }
        LatentCodes codes;
        string? madeBy;
        try { (codes, madeBy, _) = LatentCodes.FromBytes(bytes, "latent"); }
        catch (Core.Checkpoints.ModelLoadException e) { throw Problems.BadRequest(e.Message); }
        if (madeBy is not null && madeBy != call.Modality.Name)
            throw Problems.BadRequest($"the latent was made by a {madeBy} model; '{id}' is a {call.Modality.Name} model.");
        var temperature = body.Temperature ?? 0;
        Validate(() => GenerationLimits.CheckTemperature(temperature));
        var rows = (int)Math.Min(int.MaxValue, codes.Mean.shape[0]);
        CheckCount(rows, host.Options.MaxCount, "the latent's rows");
        var request = (Codes: codes, Temperature: temperature, body.Rng);
        return await call.Execute(body.TimeoutMs, false, null, ct =>
            new MaterialWork<(LatentCodes Codes, double Temperature, long Rng)>(call.RequestId, ct, Key(DecodeKey, host, generator), rows, request, (requests, token) =>
                requests.Select(r => Supported(() => generator.Decode(r.Codes, r.Temperature, r.Rng))).ToList()));
    }

    /// <summary>A modality that has no latent files answers 400, not 500.</summary>
    private static T Supported<T>(Func<T> work)
    {
        try { return work(); }
        catch (NotSupportedException e) { throw Problems.BadRequest(e.Message); }
    }

    private static async Task<GenerationResponse?> Variations(string id, HttpContext context, ServerContext host)
    {
        using var call = await Call<VariationsRequest>.Begin(id, context, host, b => b.RequestId);
        var (body, generator, format) = (call.Body, call.Generator, call.DefaultMediaType);
        var options = new VaryOptions
        {
            Count = body.Count ?? GenerationLimits.DefaultCount,
            Similarity = body.Similarity ?? GenerationLimits.DefaultSimilarity,
            Temperature = body.Temperature ?? call.Modality.DefaultTemperature,
            TopP = body.TopP ?? GenerationLimits.DefaultTopP,
            Rng = body.Rng,
            Precision = host.Precision,
            Attributes = body.Attributes is { } a ? new Dictionary<string, double>(a, StringComparer.Ordinal) : new Dictionary<string, double>(StringComparer.Ordinal),
        };
        CheckCount(options.Count, host.Options.MaxCount, "count");
        Validate(() => options.Validate());
        Validate(() => generator.Model.AttributeShift(options.Attributes));
        var (seedMaterial, seed) = Prepare(host, generator, body.Seed, "seed", format);
        RequestCost.Check(options.Count, seed, "seed", host.Options);
        return await call.Execute(body.TimeoutMs, body.Preview == true, seedMaterial, ct =>
            new MaterialWork<MaterialVariation>(call.RequestId, ct, Key(BatchKeys.Vary, host, generator), options.Count * seed.Rows,
                new MaterialVariation(seed, options), (requests, token) => generator.VaryMany(requests, null, token)));
    }

    private static async Task<GenerationResponse?> Interpolations(string id, HttpContext context, ServerContext host)
    {
        using var call = await Call<InterpolationsRequest>.Begin(id, context, host, b => b.RequestId);
        var (body, generator, format) = (call.Body, call.Generator, call.DefaultMediaType);
        var options = new InterpolateOptions
        {
            Steps = body.Steps ?? GenerationLimits.DefaultSteps,
            Temperature = body.Temperature ?? 0,
            TopP = body.TopP ?? GenerationLimits.DefaultTopP,
            Rng = body.Rng,
            Precision = host.Precision,
        };
        if (options.Steps < GenerationLimits.MinSteps) throw Problems.BadRequest($"steps must be at least {GenerationLimits.MinSteps}; got {options.Steps}.");
        CheckCount(options.Steps, host.Options.MaxCount, "steps");
        Validate(() => options.Validate());
        var (_, from) = Prepare(host, generator, body.From, "from", format);
        var (_, to) = Prepare(host, generator, body.To, "to", format);
        RequestCost.Check(options.Steps, from, "from", host.Options); // frames come back at the start's size
        RequestCost.Check(options.Steps, to, "to", host.Options);
        return await call.Execute(body.TimeoutMs, body.Preview == true, null, ct =>
            new MaterialWork<MaterialInterpolation>(call.RequestId, ct, Key(BatchKeys.Interpolate, host, generator), options.Steps * Math.Min(from.Rows, to.Rows),
                new MaterialInterpolation(from, to, options), (requests, token) => generator.InterpolateMany(requests, null, token)));
    }

    private static async Task<GenerationResponse?> Samples(string id, HttpContext context, ServerContext host)
    {
        using var call = await Call<SamplesRequest>.Begin(id, context, host, b => b.RequestId);
        var (body, generator) = (call.Body, call.Generator);
        var options = new SampleOptions
        {
            Count = body.Count ?? GenerationLimits.DefaultCount,
            Temperature = body.Temperature ?? call.Modality.DefaultTemperature,
            TopP = body.TopP ?? GenerationLimits.DefaultTopP,
            Rng = body.Rng,
            Precision = host.Precision,
            Properties = body.Properties is { } p ? new Dictionary<string, string>(p, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal),
        };
        CheckCount(options.Count, host.Options.MaxCount, "count");
        Validate(() => options.Validate());
        return await call.Execute(body.TimeoutMs, body.Preview == true, null, ct =>
            new MaterialWork<SampleOptions>(call.RequestId, ct, Key(BatchKeys.Sample, host, generator), options.Count, options, (requests, token) => generator.SampleMany(requests, null, token)));
    }

    /// <summary>
    /// One generation request from arrival to answer: its body, id and generator. It is announced to the queue on
    /// arrival (a pass waits for announced requests to join it) until it is queued or refused.
    /// </summary>
    private sealed class Call<TBody> : IDisposable where TBody : class
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private readonly HttpContext context;
        private readonly ServerContext host;
        private readonly string modelId;
        private readonly IDisposable arrival;

        private Call(HttpContext context, ServerContext host, string modelId)
        {
            this.context = context;
            this.host = host;
            this.modelId = modelId;
            arrival = host.Queue.Announce();
        }

        public TBody Body { get; private set; } = null!;
        public string RequestId { get; private set; } = "";
        public IMaterialGenerator Generator { get; private set; } = null!;

        /// <summary>The media type of data seeds that name none: the modality's first format.</summary>
        public string DefaultMediaType { get; private set; } = "";

        /// <summary>The modality of the model asked for.</summary>
        public IModality Modality { get; private set; } = null!;

        /// <summary>Reads the body, assigns the request id and opens the model's generator.</summary>
        public static async Task<Call<TBody>> Begin(string id, HttpContext context, ServerContext host, Func<TBody, string?> requestId)
        {
            var call = new Call<TBody>(context, host, id);
            try
            {
                call.Body = await RequestBody.Read<TBody>(context, host.Options);
                call.RequestId = RequestIds.Assign(context, requestId(call.Body));
                (call.Generator, call.Modality) = Open(host, id);
                call.DefaultMediaType = call.Modality.Formats[0].MediaType;
                return call;
            }
            catch
            {
                call.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Queues the work, waits for it (or for the client to leave / the deadline), and shapes the answer; with
        /// <paramref name="preview"/>, each output's previews (drawn against <paramref name="seed"/>) are made off the
        /// model's thread and returned under it.
        /// </summary>
        public async Task<GenerationResponse?> Execute<TRequest>(int? timeoutMs, bool preview, Core.Modalities.Material? seed, Func<CancellationToken, MaterialWork<TRequest>> create)
        {
            if (timeoutMs is < 1 or > 600_000) throw Problems.BadRequest($"timeoutMs must be between 1 and 600000; got {timeoutMs}.");
            var previewer = preview
                ? Modality as IOutputPreview ?? throw Problems.BadRequest($"preview: {Modality.Name} models have no previews.")
                : null;
            try { previewer?.CheckAvailable(); }
            catch (MaterialException e) { throw Problems.PreviewUnavailable(e.Message); }
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
            var outputs = work.Result.Select(MaterialMapping.ToContract).ToList();
            if (previewer is not null)
            {
                // A synthesiser run takes a fraction of a second per output: on the thread pool, never the model's thread.
                var previews = await Task.Run(() =>
                {
                    // A WAV's length follows the music's (up to the synthesiser's limit), so previews are counted as
                    // they are made, and the request stops as soon as its answer would pass the host's limit.
                    var made = new List<IReadOnlyList<Core.Modalities.Material>>(work.Result.Count);
                    var bytes = work.Result.Sum(o => RequestCost.ResponseBytes(o.Data?.LongLength ?? (o.Text?.Length ?? 0) * 3L));
                    foreach (var output in work.Result)
                    {
                        context.RequestAborted.ThrowIfCancellationRequested();
                        IReadOnlyList<Core.Modalities.Material> one;
                        try { one = previewer.Preview(seed, output); }
                        catch (MaterialException e) { throw Problems.PreviewUnavailable(e.Message); }
                        bytes += one.Sum(p => RequestCost.ResponseBytes(p.Data?.LongLength ?? 0));
                        if (bytes > host.Options.MaxResponseBytes)
                            throw Problems.LimitExceeded(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                                $"the outputs with their previews take more than this host's limit of {host.Options.MaxResponseBytes:N0} bytes (serve --max-response-bytes); ask for fewer outputs, or for no previews."));
                        made.Add(one);
                    }
                    return made;
                }, context.RequestAborted);
                for (var i = 0; i < outputs.Count; i++) outputs[i].Previews = previews[i].Select(MaterialMapping.ToContract).ToList();
            }
            return new GenerationResponse
            {
                RequestId = RequestId,
                Model = modelId,
                Outputs = outputs,
                BatchedRequests = batched,
                ElapsedMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2),
            };
        }

        public void Dispose() => arrival.Dispose();
    }

    /// <summary>The generator of model <paramref name="id"/> (loaded on first use) and its modality.</summary>
    private static (IMaterialGenerator Generator, IModality Modality) Open(ServerContext host, string id)
    {
        var entry = host.Catalog.Get(id);
        var modality = host.Modalities.All.FirstOrDefault(m => m.Name == entry.Manifest.Modality)
            ?? throw Problems.BadRequest($"model '{id}' is a {entry.Manifest.Modality} model; this host generates {host.Modalities.Names}.");
        var generator = host.Modalities.Generator(host.Store.Get(entry.Directory, host.Precision));
        return (generator, modality);
    }

    private static (Core.Modalities.Material Material, PreparedSeed Seed) Prepare(ServerContext host, IMaterialGenerator generator, Client.Contracts.Material? material, string field, string defaultMediaType)
    {
        var seed = MaterialMapping.FromContract(material, field, defaultMediaType);
        PreparedSeed prepared;
        try { prepared = generator.Prepare(seed, field); }
        catch (MaterialException e) when (e.OverLimit) { throw Problems.LimitExceeded($"{e.Message} (this host's limit)."); }
        catch (MaterialException e) { throw Problems.BadSeed(e.Message); }
        if (prepared.Rows > host.Options.MaxSeedRows)
            throw Problems.LimitExceeded($"'{field}' is {prepared.Extent}; this host takes seeds of at most {host.Options.MaxSeedRows} model rows (serve --max-seed-rows; the CLI takes any length).");
        return (seed, prepared);
    }

    private static string Key(string operation, ServerContext host, IMaterialGenerator generator) => BatchKeys.Of(operation, host.Precision, generator);

    /// <summary>A count within 1 and this host's limit per request (augment jobs check theirs the same way).</summary>
    internal static void CheckCount(int count, int max, string name)
    {
        if (count < 1) throw Problems.BadRequest($"{name} must be at least 1; got {count}.");
        if (count > max) throw Problems.LimitExceeded($"{name} is {count}; this host's limit per request is {max}.");
    }

    private static void Validate(Action check)
    {
        try { check(); }
        catch (ArgumentException e) { throw Problems.BadRequest(e); }
    }
}
