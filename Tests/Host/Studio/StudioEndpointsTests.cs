using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Client.Contracts;
using VaeCreative.Host.Server.Security;
using VaeCreative.Tests.Host.Server;

namespace VaeCreative.Tests.Host.Studio;

/// <summary>The page's files and the demo-seed endpoint over HTTP (no browser): access, content types, headers.</summary>
public class StudioEndpointsTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private RunningHost Host => shared.Host;

    [Theory]
    [InlineData("/studio", "text/html")]
    [InlineData("/studio/app.js", "text/javascript")]
    [InlineData("/studio/studio.css", "text/css")]
    public async Task The_page_files_are_served_without_a_token_with_their_type_and_strict_headers(string path, string mediaType)
    {
        using var http = Host.RawHttp(withToken: false);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("connect-src 'self';", csp);
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());

        // Unchanged: 304 without a body.
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var cached = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    [Fact]
    public async Task The_page_has_no_inline_script_or_style_and_loads_only_its_own_files()
    {
        using var http = Host.RawHttp(withToken: false);
        var html = await http.GetStringAsync("/studio");
        Assert.Contains("<script src=\"/studio/app.js\"", html);
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", html); // no inline event handlers
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_page_with_a_trailing_slash_redirects_to_the_page_and_carries_no_content(bool withToken)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = Host.Server.Url };
        if (withToken) http.DefaultRequestHeaders.Authorization = new("Bearer", Host.Server.Token);
        using var response = await http.GetAsync("/studio/");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/studio", response.Headers.Location!.OriginalString);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(response.Content.Headers.Contains("Content-Type"), "a redirect with a media type: it carries content");

        // Followed, it lands on the page itself.
        using var following = Host.RawHttp(withToken: false);
        using var page = await following.GetAsync("/studio/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/studio", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("<script src=\"/studio/app.js\"", await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/studio/other.js")]
    [InlineData("/studio//")]
    [InlineData("/studio/app.js/")]
    [InlineData("/studio/../v1/models")]
    [InlineData("/v1/modalities/melody/demo-seed")]
    [InlineData("/v1/models")]
    public async Task Everything_else_still_needs_the_token(string path)
    {
        using var http = Host.RawHttp(withToken: false);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void Only_health_the_three_page_files_and_the_pages_redirect_are_public()
    {
        foreach (var path in new[] { "/v1/health", "/studio", "/studio/app.js", "/studio/studio.css", "/studio/" })
            Assert.True(AccessPolicy.IsPublic(new Microsoft.AspNetCore.Http.PathString(path)), path);
        foreach (var path in new[] { "/studio//", "/Studio/", "/studio/app.js/", "/studio/studio.css/", "/studio/index.html", "/studio/x", "/studiox", "/Studio/app.js", "/v1/models", "/", "/openapi/v1.json", "/v1/modalities/melody/demo-seed" })
            Assert.False(AccessPolicy.IsPublic(new Microsoft.AspNetCore.Http.PathString(path)), path);
    }

    [Fact]
    public async Task A_page_from_another_origin_is_refused_even_for_the_page_files()
    {
        using var http = Host.RawHttp(withToken: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/studio/app.js");
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("melody", "audio/midi")]
    [InlineData("text", "text/plain")]
    [InlineData("image", "image/png")]
    public async Task The_demo_seed_of_each_modality_comes_as_material(string modality, string mediaType)
    {
        using var http = Host.RawHttp();
        var material = JsonSerializer.Deserialize<Material>(await http.GetStringAsync($"/v1/modalities/{modality}/demo-seed"), VaeCreative.Client.HostConnection.JsonOptions)!;
        Assert.Equal(mediaType, material.MediaType);
        if (mediaType == "text/plain") Assert.False(string.IsNullOrWhiteSpace(material.Text));
        else Assert.NotEmpty(material.Bytes());
    }

    [Fact]
    public async Task What_the_host_hands_out_is_taken_back_as_a_seed_as_it_is_and_says_its_bytes_once()
    {
        // Issue 23: the melody demo seed and every MIDI output carried their bytes twice ('data' and 'midi'), and a
        // seed holding both was refused.
        using var http = Host.RawHttp();
        var demo = JsonNode.Parse(await http.GetStringAsync("/v1/modalities/melody/demo-seed"))!.AsObject();
        Assert.False(demo.ContainsKey("midi"), demo.ToJsonString());
        var outputs = await Vary(http, demo);
        foreach (var output in outputs) Assert.False(output!.AsObject().ContainsKey("midi"), "an output carries 'midi' beside 'data'");
        Assert.Equal(2, (await Vary(http, outputs[0]!.AsObject())).Count);
        // An older host's output (both fields, the same bytes) is taken too; two different files are not.
        var older = demo.DeepClone().AsObject();
        older["midi"] = (string?)demo["data"];
        Assert.Equal(2, (await Vary(http, older)).Count);
        older["midi"] = (string?)outputs[0]!["data"];
        using var refused = await http.PostAsync("/v1/models/melody-2bar/variations", Body(older));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("different 'data' and 'midi'", (await GeneratorServerTests.ProblemOf(refused)).Detail);
    }

    private static StringContent Body(JsonObject seed) =>
        new(new JsonObject { ["seed"] = seed.DeepClone(), ["count"] = 2, ["rng"] = 3 }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonArray> Vary(HttpClient http, JsonObject seed)
    {
        using var response = await http.PostAsync("/v1/models/melody-2bar/variations", Body(seed));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!["outputs"]!.AsArray();
    }

    [Fact]
    public async Task An_unknown_modality_has_no_demo_seed()
    {
        using var http = Host.RawHttp();
        using var response = await http.GetAsync("/v1/modalities/sculpture/demo-seed");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("melody", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Models_list_their_attributes_and_modalities_their_previews()
    {
        var models = await Host.Client.ListModelsAsync();
        var melody = models.Single(m => m.Id == "melody-2bar");
        Assert.Equal(["density", "register", "range", "syncopation", "stepwise", "rests"], melody.Attributes.Select(a => a.Name));
        Assert.All(melody.Attributes, a => Assert.False(string.IsNullOrEmpty(a.Description)));
        Assert.All(melody.Attributes, a => Assert.Equal(8, a.MaxStrength));
        Assert.Empty(models.Single(m => m.Id == "text-flavour").Attributes);

        var info = await Host.Client.InfoAsync();
        Assert.Equal(["audio/wav", "image/png"], info.Modalities.Single(m => m.Name == "melody").PreviewMediaTypes);
        Assert.Empty(info.Modalities.Single(m => m.Name == "text").PreviewMediaTypes);
        Assert.Equal(0, info.Modalities.Single(m => m.Name == "image").DefaultTemperature);
        Assert.Equal(0.5, info.Modalities.Single(m => m.Name == "melody").DefaultTemperature);
    }
}
