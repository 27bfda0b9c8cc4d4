using System.Net;
using System.Text;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Tests.Host.Server.Api;

/// <summary>Every request type with wrong JSON kinds, nulls, huge numbers and malformed JSON: 400s in the API's terms.</summary>
public class RequestBodyTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private const string Variations = "/v1/models/melody-2bar/variations";
    private const string Interpolations = "/v1/models/melody-2bar/interpolations";
    private const string Samples = "/v1/models/melody-2bar/samples";
    private const string Jobs = "/v1/jobs";

    public static TheoryData<string, string, string> Cases => new()
    {
        // wrong kinds
        { Variations, """{"count": "three"}""", "`count` must be a whole number" },
        { Variations, """{"similarity": "high"}""", "`similarity` must be a number or null; got \"high\"" },
        { Variations, """{"rng": 1.5}""", "`rng` must be a whole number" },
        { Variations, """{"seed": 5}""", "`seed` must be an object with the fields mediaType, data, text, midi, properties, previews or null; got 5" },
        { Variations, """{"seed": {"midi": 5}}""", "`seed.midi` must be a string or null; got 5" },
        { Variations, """{"seed": {"midy": "AA=="}}""", "unknown field 'seed.midy'; the fields of 'seed' are mediaType, data, text, midi, properties" },
        { Variations, """{"seed": {"properties": {"track": 2}}}""", "`seed.properties.track` must be a string" },
        { Variations, """{"requestId": []}""", "`requestId` must be a string or null; got []" },
        { Interpolations, """{"steps": true}""", "`steps` must be a whole number" },
        { Interpolations, """{"from": "x.mid"}""", "`from` must be an object" },
        { Samples, """{"properties": ["fast"]}""", "`properties` must be an object whose values are strings or null; got [\"fast\"]" },
        { Variations, """{"topP": "most"}""", "`topP` must be a number" },
        { Samples, """{"timeoutMs": 1.5}""", "`timeoutMs` must be a whole number from -2147483648 to 2147483647 or null; got 1.5" },
        { Jobs, """{"steps": "many"}""", "`steps` must be a whole number" },
        { Jobs, """{"data": 5}""", "`data` must be a string or null; got 5" },
        // nulls for values that cannot be null
        { Variations, """{"rng": null}""", "`rng` must be a whole number from -9223372036854775808 to 9223372036854775807; got null" },
        { Jobs, """{"modality": null}""", "`modality` must be one of melody" },
        // numbers out of the type's range
        { Variations, """{"count": 99999999999}""", "`count` must be a whole number from -2147483648 to 2147483647 or null; got 99999999999" },
        { Interpolations, """{"rng": 1e99}""", "`rng` must be a whole number" },
        { Samples, """{"temperature": 1e999}""", "temperature must be between 0 and 10" },
        { Jobs, """{"steps": 123456789012345678901234567890}""", "`steps` must be a whole number" },
        // not a JSON object
        { Variations, "[]", "the body must be a JSON object with the fields seed, count, similarity, attributes, temperature, topP, rng, requestId, timeoutMs, preview; got an array" },
        { Interpolations, "\"hello\"", "the body must be a JSON object with the fields from, to, steps" },
        { Samples, "null", "the body must be a JSON object" },
        { Jobs, "42", "the body must be a JSON object with the fields data, modelId" },
        // not JSON
        { Variations, "{", "the body is not valid JSON (line 1" },
        { Samples, "{\"count\": 3,}", "the body is not valid JSON (line 1" },
        { Interpolations, "{'steps': 3}", "the body is not valid JSON" },
        { Jobs, "data=/tmp", "the body is not valid JSON" },
        // numbers are JSON numbers, as the OpenAPI document says (issue 23)
        { Variations, """{"count": "4"}""", "`count` must be a whole number from -2147483648 to 2147483647 or null; got \"4\"" },
        { Variations, """{"similarity": "0.5"}""", "`similarity` must be a number or null; got \"0.5\"" },
        // duplicate keys, at any depth and in any case (issue 23)
        { Variations, """{"count": 2, "count": 3}""", "duplicate field 'count'; send each field once" },
        { Variations, """{"count": 2, "Count": 3}""", "duplicate field 'Count'; send each field once (names are matched without regard to case)" },
        { Variations, """{"seed": {"data": "AA==", "data": "AQ=="}}""", "duplicate field 'seed.data'" },
        { Variations, """{"seed": {"text": "a", "properties": {"track": "1", "track": "2"}}}""", "duplicate key 'seed.properties.track'; send each key once" },
        { Jobs, """{"settings": {"tile": "32", "tile": "16"}}""", "duplicate key 'settings.tile'" },
        // a lone surrogate is not "not a string" (issue 23)
        { Variations, """{"seed": {"text": "ab\ud800cd"}}""", "`seed.text` holds a lone surrogate" },
        { Samples, """{"properties": {"tempoQpm": "\udfff"}}""", "`properties.tempoQpm` holds a lone surrogate" },
        // unknown fields
        { Samples, """{"cuont": 3}""", "unknown field 'cuont'; the fields are count, temperature, topP, rng, properties, requestId, timeoutMs" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_body_that_does_not_fit_the_endpoint_gets_400_in_the_apis_terms(string path, string body, string expected)
    {
        using var http = shared.Host.RawHttp();
        var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await GeneratorServerTests.ProblemOf(response);
        Assert.Equal(ProblemTypes.BadRequest, problem.Type);
        Assert.Contains(expected, problem.Detail);
        foreach (var leak in new[] { "System.", "VaeCreative.", "Exception", "Int32", "Int64", "Double", "LineNumber", "BytePosition" })
            Assert.DoesNotContain(leak, problem.Detail);
    }
}
