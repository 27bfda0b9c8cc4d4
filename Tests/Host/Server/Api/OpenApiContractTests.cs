using System.Net;
using System.Net.Http.Json;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag.CodeGeneration.CSharp;
using VaeCreative.Client.Contracts;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server.Api;

/// <summary>
/// <c>/openapi/v1.json</c> as a contract: valid OpenAPI 3.1 by a validator that did not write it, complete enough that
/// a client generated from it authenticates and reads errors, and with examples the host really accepts.
/// </summary>
public class OpenApiContractTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private RunningHost Host => shared.Host;

    private async Task<string> DocumentJson()
    {
        using var http = Host.RawHttp();
        return await http.GetStringAsync("/openapi/v1.json");
    }

    [Fact]
    public async Task The_document_is_valid_openapi_3_1_by_an_independent_validator()
    {
        using var doc = JsonDocument.Parse(await DocumentJson());
        var oas = JsonSchema.FromFile(Path.Combine(RepoPaths.Root, "Tests", "Host", "Server", "Api", "OpenApiSpec", "oas-3.1-schema.json"));
        var result = oas.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "not valid OpenAPI 3.1: " + Failures(result));
        Assert.StartsWith("3.1.", doc.RootElement.GetProperty("openapi").GetString());

        // The OAS schema leaves Schema Objects unchecked: each must be a valid JSON Schema 2020-12 schema.
        foreach (var schema in doc.RootElement.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            var check = MetaSchemas.Draft202012.Evaluate(schema.Value, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(check.IsValid, $"components.schemas.{schema.Name} is not a valid JSON Schema 2020-12 schema: {Failures(check)}");
        }

        // Every reference resolves.
        var refs = new List<string>();
        CollectRefs(doc.RootElement, refs);
        Assert.NotEmpty(refs);
        foreach (var reference in refs.Distinct())
        {
            Assert.StartsWith("#/", reference);
            var node = doc.RootElement;
            foreach (var part in reference[2..].Split('/'))
                Assert.True(node.TryGetProperty(part.Replace("~1", "/").Replace("~0", "~"), out node), $"the reference {reference} does not resolve");
        }
    }

    [Fact]
    public async Task Every_operation_declares_the_bearer_scheme_its_errors_and_its_media_types()
    {
        var doc = JsonNode.Parse(await DocumentJson())!;
        var scheme = doc["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
        Assert.True(doc["security"]!.AsArray()[0]!.AsObject().ContainsKey("bearer"));

        var operations = 0;
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                operations++;
                var where = $"{method.ToUpperInvariant()} {path}";
                var responses = operation!["responses"]!.AsObject();
                var success = responses.Where(r => r.Key[0] == '2').ToList();
                Assert.True(success.Count == 1, $"{where} declares {success.Count} success responses");
                Assert.True(success[0].Value!["content"]?.AsObject().Single().Value?["schema"] is not null, $"{where}: its success response has no schema");
                var expected = path == "/v1/health" ? new[] { "403" } : new[] { "401", "403", "500" };
                foreach (var status in responses.Where(r => r.Key[0] is '4' or '5').Select(r => r.Key).Concat(expected).Distinct())
                {
                    Assert.True(responses.ContainsKey(status), $"{where} does not declare {status}");
                    var problem = responses[status]!["content"]?["application/problem+json"];
                    Assert.True(problem is not null, $"{where} {status} has no application/problem+json content");
                    Assert.Equal("#/components/schemas/Problem", (string?)problem!["schema"]!["$ref"]);
                    Assert.Equal(int.Parse(status), (int?)problem["example"]!["status"]);
                    Assert.False(string.IsNullOrWhiteSpace((string?)responses[status]!["description"]));
                }
                if (path == "/v1/health")
                    Assert.Empty(operation["security"]!.AsArray()[0]!.AsObject()); // {}: no token
                if (path.StartsWith("/v1/models/{id}/", StringComparison.Ordinal))
                {
                    foreach (var status in new[] { "400", "404", "413", "415", "429", "503", "504" })
                        Assert.True(responses.ContainsKey(status), $"{where} does not declare {status}");
                    Assert.NotNull(responses["429"]!["headers"]!["Retry-After"]);
                }
            }
        Assert.True(operations >= 10, $"only {operations} operations");

        var events = doc["paths"]!["/v1/jobs/{id}/events"]!["get"]!["responses"]!["200"]!["content"]!["text/event-stream"]!;
        Assert.Equal("string", (string?)events["schema"]!["type"]);
        Assert.StartsWith("event: progress\ndata: {", (string?)events["example"]);
        Assert.Contains("\"state\":\"succeeded\"", (string?)events["example"]);
    }

    [Fact]
    public async Task Numbers_are_declared_as_the_parser_reads_them_json_numbers_only()
    {
        // Issue 23: every number was declared integer|string with a pattern, yet "count": "4" is refused.
        var schemas = JsonNode.Parse(await DocumentJson())!["components"]!["schemas"]!.AsObject();
        var numbers = 0;
        foreach (var (name, schema) in schemas)
            foreach (var (field, property) in schema!["properties"]?.AsObject() ?? [])
            {
                var types = property!["type"] is JsonArray many ? many.Select(t => (string?)t).ToList() : [(string?)property["type"]];
                if (!types.Contains("integer") && !types.Contains("number")) continue;
                numbers++;
                Assert.True(!types.Contains("string") && property["pattern"] is null, $"{name}.{field} is declared {property.ToJsonString()}");
            }
        Assert.True(numbers >= 10, $"only {numbers} number fields");
        var count = schemas["VariationsRequest"]!["properties"]!["count"]!;
        Assert.Contains("integer", count["type"] is JsonArray countTypes ? countTypes.Select(t => (string?)t) : [(string?)count["type"]]);
    }

    [Fact]
    public async Task Each_request_example_is_accepted_by_the_model_of_its_modality()
    {
        var doc = JsonNode.Parse(await DocumentJson())!;
        var info = await Host.Client.InfoAsync();
        using var http = Host.RawHttp();
        var tried = new List<string>();
        foreach (var (operation, path) in new[] { ("post", "/v1/models/{id}/variations"), ("post", "/v1/models/{id}/interpolations"), ("post", "/v1/models/{id}/samples") })
        {
            var examples = doc["paths"]![path]![operation]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
            foreach (var modality in info.Modalities)
            {
                Assert.True(examples.ContainsKey(modality.Name), $"{path} has no {modality.Name} example");
                var body = examples[modality.Name]!["value"]!.DeepClone().AsObject();
                if (body.ContainsKey("count")) body["count"] = 1;
                if (body.ContainsKey("steps")) body["steps"] = 2;
                var url = path.Replace("{id}", modality.DefaultModel);
                using var response = await http.PostAsJsonAsync(url, body);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} with the {modality.Name} example: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                tried.Add($"{modality.Name} {path}");
            }
        }
        // Material's schema shows each shape: binary data with its media type, and text.
        var shapes = doc["components"]!["schemas"]!["Material"]!["examples"]!.AsArray();
        Assert.Contains(shapes, s => s!["data"] is not null && (string?)s["mediaType"] == "audio/midi");
        Assert.Contains(shapes, s => s!["text"] is not null);
        Assert.Contains(shapes, s => (string?)s!["mediaType"] == "image/png");
        Assert.True(tried.Count >= 9, string.Join(", ", tried));
    }

    [Fact]
    public async Task A_client_generated_by_nswag_varies_and_reads_401_and_400_as_typed_problems()
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await DocumentJson());
        var settings = new CSharpClientGeneratorSettings { ClassName = "GeneratedHostClient", GenerateClientInterfaces = false, UseBaseUrl = true };
        settings.CSharpGeneratorSettings.Namespace = "Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var context = new AssemblyLoadContext("generated-client", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(Compile(code));
            var clientType = assembly.GetType("Generated.GeneratedHostClient", throwOnError: true)!;
            var seed = Activator.CreateInstance(assembly.GetType("Generated.Material", throwOnError: true)!)!;
            Set(seed, "MediaType", "audio/midi");
            Set(seed, "Data", Convert.ToBase64String(File.ReadAllBytes(RepoPaths.SeedMelody)));
            var request = Activator.CreateInstance(assembly.GetType("Generated.VariationsRequest", throwOnError: true)!)!;
            Set(request, "Seed", seed);
            Set(request, "Count", 2);
            Set(request, "Rng", 3L);

            // Authenticated: the bearer token is the HttpClient's, as the security scheme says.
            using var http = Host.RawHttp();
            dynamic client = Activator.CreateInstance(clientType, http)!;
            client.BaseUrl = Host.Server.Url.ToString();
            dynamic response = await client.CreateVariationsAsync("melody-2bar", (dynamic)request);
            Assert.Equal(2, (int)response.Outputs.Count);
            Assert.Equal("audio/midi", (string)response.Outputs[0].MediaType);
            Assert.Equal("MThd", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)response.Outputs[0].Data), 0, 4));

            // A wrong token: 401 read as the generated ApiException<Problem>.
            using var wrong = Host.RawHttp(withToken: false);
            wrong.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");
            dynamic refused = Activator.CreateInstance(clientType, wrong)!;
            refused.BaseUrl = Host.Server.Url.ToString();
            var unauthorised = await CaughtProblem(() => refused.CreateVariationsAsync("melody-2bar", (dynamic)request));
            Assert.Equal(401, unauthorised.Status);
            Assert.Equal(ProblemTypes.Unauthorized, unauthorised.Type);

            // A damaged seed: 400 with the bad-seed problem.
            Set(seed, "Data", "not base64!");
            var bad = await CaughtProblem(() => client.CreateVariationsAsync("melody-2bar", (dynamic)request));
            Assert.Equal(400, bad.Status);
            Assert.Equal(ProblemTypes.BadSeed, bad.Type);
            Assert.Contains("base64", bad.Detail);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The generated client's exception for an error answer: ApiException&lt;Problem&gt; with the problem read.</summary>
    private static async Task<(int Status, string Type, string Detail)> CaughtProblem(Func<Task> call)
    {
        var thrown = await Assert.ThrowsAnyAsync<Exception>(call);
        Assert.Equal("ApiException`1", thrown.GetType().Name);
        Assert.Equal("Problem", thrown.GetType().GetGenericArguments()[0].Name);
        dynamic typed = thrown;
        return ((int)typed.StatusCode, (string)typed.Result.Type, (string)typed.Result.Detail);
    }

    private static MemoryStream Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Length > 0).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("GeneratedHostClient", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, "the generated client does not compile:\n" +
            string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        stream.Position = 0;
        return stream;
    }

    private static void Set(object target, string property, object? value) =>
        (target.GetType().GetProperty(property) ?? throw new InvalidOperationException($"the generated {target.GetType().Name} has no {property}")).SetValue(target, value);

    private static void CollectRefs(JsonElement element, List<string> refs)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String) refs.Add(property.Value.GetString()!);
                else CollectRefs(property.Value, refs);
            }
        else if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) CollectRefs(item, refs);
    }

    private static string Failures(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Take(10).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
}
