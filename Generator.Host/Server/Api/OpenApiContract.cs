using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Modalities;
using VaeCreative.Host.Composition;
using Material = VaeCreative.Client.Contracts.Material;

namespace VaeCreative.Host.Server.Api;

/// <summary>
/// What <c>/openapi/v1.json</c> promises beyond the endpoints' own types, so a client generated from it can
/// authenticate and read errors: the bearer scheme, every error status with its problem+json body and headers, the
/// event stream's media type, and examples made from the host's demo seeds (one per modality).
/// </summary>
public static class OpenApiContract
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>The media type of every error answer.</summary>
    public const string ProblemMediaType = "application/problem+json";

    /// <summary>The errors any endpoint behind the token can answer (the access policy's and a bug's).</summary>
    private static readonly int[] EveryEndpoint = [401, 403, 500];

    /// <summary>What each error status means on this host, with an example problem; the problem's <c>type</c> tells the exact cause.</summary>
    private static readonly Dictionary<int, ErrorAnswer> Errors = new()
    {
        [400] = new("Bad request: a parameter is missing or out of range, the body is not valid JSON, the seed cannot be read (type bad-seed), or a count or seed exceeds this host's limits (type limit-exceeded).",
            ProblemTypes.BadSeed, "Bad seed", "'seed.data' is not valid base64."),
        [401] = new("No bearer token, or the wrong one (the answer carries 'WWW-Authenticate: Bearer'). The token is in the host's connection file.",
            ProblemTypes.Unauthorized, "Unauthorised", "the bearer token is wrong."),
        [403] = new("The Origin or Host header names a site that is not on this machine; the host answers local clients only unless started with --allow-remote.",
            ProblemTypes.ForbiddenOrigin, "Forbidden origin", "requests from the web origin 'https://example.com' are refused."),
        [404] = new("No model or job with that id (type unknown-model or unknown-job).",
            ProblemTypes.UnknownModel, "Unknown model", "no model 'melody-9bar'; available: drums-2bar, melody-2bar, text-flavour."),
        [408] = new("The request's headers or body arrived too slowly.",
            ProblemTypes.RequestTimeout, "Request timeout", "the body arrived too slowly; it was cut off."),
        [409] = new("A model or running job with that id already exists, or a running augment job writes into an overlapping folder.",
            ProblemTypes.Conflict, "Conflict", "a model or running job named 'my-melodies' already exists; choose another modelId."),
        [413] = new("The body is larger than this host's limit (GET /v1/info: limits.maxBodyBytes).",
            ProblemTypes.LimitExceeded, "Limit exceeded", "the body is larger than this host's limit of 33554432 bytes."),
        [415] = new("The body was not sent as 'Content-Type: application/json'.",
            ProblemTypes.BadRequest, "Bad request", "send the body as JSON with 'Content-Type: application/json' (got 'text/plain')."),
        [429] = new("The queue is full; retry after the Retry-After header's seconds.",
            ProblemTypes.Overloaded, "Overloaded", "all 256 queue places are taken; retry later."),
        [500] = new("A bug in the host; the detail names a request id to look up in the host's log.",
            ProblemTypes.Internal, "Internal error", "internal error, see the host log (request id 3f2b9c0e5d7a4e1f8a6b0c2d4e6f8a0b)."),
        [503] = new("The host is shutting down (retry after Retry-After seconds), or previews were asked for and this host cannot make them (type preview-unavailable).",
            ProblemTypes.Unavailable, "Unavailable", "the host is shutting down."),
        [504] = new("The request's deadline (timeoutMs) passed before it reached the model; it was dropped unrun.",
            ProblemTypes.DeadlineExceeded, "Deadline exceeded", "the request did not finish within 30000 ms; its work was stopped."),
    };

    private sealed record ErrorAnswer(string Meaning, string Type, string Title, string Detail);

    /// <summary>
    /// Declares the error answers of an endpoint behind the token: <paramref name="statuses"/> plus 401, 403 and 500,
    /// each with the <see cref="Problem"/> body.
    /// </summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses.Concat(EveryEndpoint).Distinct().Order())
            endpoint.Produces<Problem>(status, ProblemMediaType);
        return endpoint;
    }

    /// <summary>Adds the transformers to the OpenAPI options.</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocument);
        options.AddOperationTransformer(DescribeOperation);
        options.AddSchemaTransformer(DescribeSchema);
    }

    private static Task DescribeDocument(OpenApiDocument doc, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        doc.Info.Title = "VaeCreative generator host";
        doc.Info.Version = typeof(OpenApiContract).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        doc.Info.Description = "Variations, interpolations and samples of seed material from VAE models; training jobs. " +
                               "Every endpoint but /v1/health needs 'Authorization: Bearer TOKEN' (the token is in the host's connection file). " +
                               "Errors are RFC 9457 problem+json with a stable 'type' URI per cause.";
        doc.Components ??= new OpenApiComponents();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The host's token: 'token' in its connection file (~/.config/vaecreative/host.json, or --token-file).",
        };
        doc.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, doc)] = [] }];
        return Task.CompletedTask;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var path = "/" + (context.Description.RelativePath ?? "");
        if (Security.AccessPolicy.IsPublic(path))
            operation.Security = [new OpenApiSecurityRequirement()]; // {}: no token needed
        foreach (var (code, response) in operation.Responses ?? [])
        {
            if (!int.TryParse(code, out var status) || response is not OpenApiResponse concrete) continue;
            Errors.TryGetValue(status, out var error);
            if (error is not null) concrete.Description = error.Meaning;
            if (status is 429 or 503)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
            if (status == 401)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers["WWW-Authenticate"] = new OpenApiHeader { Description = "Bearer", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
            if (error is not null && concrete.Content?.TryGetValue(ProblemMediaType, out var problem) == true)
                problem.Example = Serialize(new Problem
                {
                    Type = error.Type, Title = error.Title, Status = status, Detail = error.Detail, RequestId = "3f2b9c0e5d7a4e1f8a6b0c2d4e6f8a0b",
                });
            if (status == 200 && concrete.Content?.TryGetValue("text/event-stream", out var events) == true)
            {
                events.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "Server-Sent Events: 'event: progress' with 'data:' one JobState as JSON per change; the last has a finished state.",
                };
                events.Example = JsonValue.Create(
                    $"event: progress\ndata: {JsonSerializer.Serialize(ExampleJob(JobStatus.Running, 400, 1.84), Compact)}\n\n" +
                    $"event: progress\ndata: {JsonSerializer.Serialize(ExampleJob(JobStatus.Succeeded, 2000, 0.92), Compact)}\n\n");
            }
        }
        AddExamples(operation, context);
        return Task.CompletedTask;
    }

    /// <summary>Request examples, one per modality this host serves, made from its demo seed.</summary>
    private static void AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) != true || body is null) return;
        var modalities = context.ApplicationServices.GetRequiredService<ModalityRegistry>().All;
        var examples = new Dictionary<string, IOpenApiExample>();
        foreach (var modality in modalities)
        {
            var seed = DemoExample(modality);
            object? request = operation.OperationId switch
            {
                "CreateVariations" when seed is not null => new VariationsRequest { Seed = seed, Count = 4, Similarity = 0.75, Rng = 1 },
                "CreateInterpolations" when seed is not null => new InterpolationsRequest { From = seed, To = seed, Steps = 3, Rng = 1 },
                "CreateSamples" => new SamplesRequest { Count = 4, Rng = 1 },
                "StartJob" => new JobRequest { Data = $"/data/my-{modality.Name}", ModelId = $"my-{modality.Name}", Modality = modality.Name, Steps = 2000 },
                _ => null,
            };
            if (request is null) continue;
            examples[modality.Name] = new OpenApiExample
            {
                Summary = $"{modality.Name} (a model such as {modality.DefaultModelId})",
                Value = Serialize(request),
            };
        }
        if (operation.OperationId == "StartJob" && modalities.Count > 0)
            examples["augment"] = new OpenApiExample
            {
                Summary = "augment: vary every file of a folder into another (data augmentation)",
                Value = Serialize(new JobRequest
                {
                    Kind = JobKinds.Augment, Data = "/data/seeds", Out = "/data/seeds-augmented", Model = modalities[0].DefaultModelId, Count = 4, Similarity = 0.8,
                }),
            };
        if (examples.Count > 0) body.Examples = examples;
    }

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Type == typeof(Material))
        {
            // One example per material shape: data (base64 MIDI or image) with its media type, or text.
            var shapes = context.ApplicationServices.GetRequiredService<ModalityRegistry>().All
                .Select(DemoExample).OfType<Material>()
                .DistinctBy(m => (m.MediaType, m.Text is null))
                .Select(m => Serialize(m)).ToList();
            if (shapes.Count > 0) schema.Examples = shapes;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The modality's demo seed (<see cref="DemoSeeds"/>) as an example of the API's material, in its current fields
    /// only; null when none is installed or it cannot be read.
    /// </summary>
    private static Material? DemoExample(IModality modality)
    {
        if (DemoSeeds.Find(modality) is not { } path) return null;
        try
        {
            var seed = MaterialMapping.ToContract(DemoSeeds.Read(modality, path));
            seed.Properties = null;
            return seed;
        }
        catch (Exception e) when (e is MaterialException or IOException)
        {
            return null;
        }
    }

    private static JobState ExampleJob(JobStatus state, long step, double loss) => new()
    {
        Id = "5c1e9a7d3b20", State = state, ModelId = "my-melodies", Step = step, TotalSteps = 2000, Loss = loss, ExamplesPerSecond = 410.5,
    };

    private static JsonNode Serialize<T>(T value) => JsonSerializer.SerializeToNode(value, HostConnection.JsonOptions)!;

    private static readonly JsonSerializerOptions Compact = new(HostConnection.JsonOptions) { WriteIndented = false };
}
