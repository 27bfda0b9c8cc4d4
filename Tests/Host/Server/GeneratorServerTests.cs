using System.Net;
using System.Text;
using System.Text.Json;
using VaeCreative.Audio.Midi;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server;

public class GeneratorServerTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private const string Model = "melody-2bar";
    private RunningHost Host => shared.Host;
    private static byte[] Seed => File.ReadAllBytes(RepoPaths.SeedMelody);

    [Fact]
    public async Task Health_needs_no_token_and_info_and_models_describe_the_host()
    {
        using var anonymous = Host.RawHttp(withToken: false);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/health")).StatusCode);
        var info = await Host.Client.InfoAsync();
        Assert.Contains("variations", info.Capabilities);
        Assert.Equal("cpu", info.Devices.Single().Type);
        Assert.True(info.Queue.Batching);
        Assert.Equal(["melody", "drums", "text", "image"], info.Modalities.Select(m => m.Name));
        Assert.Equal("audio/midi", info.Modalities[0].MediaTypes[0]);
        Assert.Equal("drums-2bar", info.Modalities[1].DefaultModel);
        Assert.Equal("text-flavour", info.Modalities[2].DefaultModel);
        Assert.Equal(["image/png", "image/jpeg", "image/bmp", "image/gif", "image/webp"], info.Modalities[3].MediaTypes);
        Assert.Equal(VaeCreative.Core.Variation.GenerationLimits.DefaultCount, info.Limits.DefaultCount);
        Assert.Equal(VaeCreative.Core.Variation.GenerationLimits.DefaultSimilarity, info.Limits.DefaultSimilarity);
        var models = await Host.Client.ListModelsAsync();
        var melody = models.Single(m => m.Id == Model);
        Assert.True(melody.Default);
        Assert.Equal("melody", melody.Modality);
        Assert.Equal(256, melody.Sizes["latentSize"]);
        Assert.True(melody.Metrics!.Value.GetProperty("accuracySampled").GetDouble() > 0.85);
        using var http = Host.RawHttp();
        using var one = JsonDocument.Parse(await http.GetStringAsync($"/v1/models/{Model}"));
        Assert.Equal(Model, one.RootElement.GetProperty("id").GetString());
        var missing = await http.GetAsync("/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(ProblemTypes.NotFound, (await ProblemOf(missing)).Type);
        var wrongMethod = await http.GetAsync($"/v1/models/{Model}/samples");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("GET is not allowed", (await ProblemOf(wrongMethod)).Detail);
        var empty = await http.PostAsync($"/v1/models/{Model}/samples", null);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("body is empty", (await ProblemOf(empty)).Detail);
    }

    [Fact]
    public async Task The_console_sample_round_trips_a_midi_file_through_the_host()
    {
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var sample = Path.Combine(RepoPaths.Root, "samples", "ConsoleRoundTrip", "bin", config, "net10.0", "ConsoleRoundTrip.dll");
        Assert.True(File.Exists(sample), $"{sample} is not built");
        using var temp = new TempDir();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { sample, RepoPaths.SeedMelody, temp.Path, "3" }) start.ArgumentList.Add(a);
        start.Environment[HostConnection.PathVariable] = Host.TokenFile;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        var written = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, written.Length);
        foreach (var path in written) Assert.True(MidiMelodyReader.Read(path).NoteCount > 0);
        Support.Cli.MidoCheck(written); // an independent parser (python3-mido) reads every file, when installed
    }

    [Fact]
    public async Task Variations_are_valid_midi_related_to_the_seed_and_deterministic_per_rng()
    {
        var request = new VariationsRequest { Seed = Material.FromMidi(Seed), Count = 4, Rng = 3, RequestId = "my-request-1" };
        var a = await Host.Client.VaryAsync(Model, request);
        var b = await Host.Client.VaryAsync(Model, request);
        Assert.Equal("my-request-1", a.RequestId);
        Assert.Equal(4, a.Outputs.Count);
        var seed = MidiMelodyReader.Read(Seed, "seed");
        foreach (var output in a.Outputs)
        {
            var melody = MidiMelodyReader.Read(output.MidiBytes(), "output");
            Assert.Equal(seed.Steps, melody.Steps);
            Assert.NotEqual(seed.Tokens, melody.Tokens);
            Assert.Equal(melody.NoteCount.ToString(System.Globalization.CultureInfo.InvariantCulture), output.Property("notes"));
            Assert.Equal("audio/midi", output.MediaType);
        }
        Assert.Equal(a.Outputs.Select(o => o.Data), b.Outputs.Select(o => o.Data));
        Assert.True((await Host.Client.InfoAsync()).LiveTensors > 0, "the loaded model's tensors are not counted");
        var other = await Host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromMidi(Seed), Count = 4, Rng = 4 });
        Assert.NotEqual(a.Outputs.Select(o => o.Data), other.Outputs.Select(o => o.Data));
    }

    [Fact]
    public async Task Songs_keep_their_arrangement_steer_by_attribute_and_come_with_previews()
    {
        var song = TestSongs.Arrangement(1, 120, bars: 8, 3, 4);
        var seed = Material.FromMidi(song);
        seed.Properties = new Dictionary<string, string> { ["keepArrangement"] = "true", ["barRange"] = "3-6" };
        var response = await Host.Client.VaryAsync(Model, new VariationsRequest
        {
            Seed = seed, Count = 2, Preview = true, Attributes = new Dictionary<string, double> { ["register"] = 1.5 },
        });
        Assert.Equal(2, response.Outputs.Count);
        foreach (var output in response.Outputs)
        {
            var after = TestSongs.Mido(output.MidiBytes());
            Assert.Equal(4, after.Tracks.Count);
            Assert.Equal(TestSongs.Mido(song).Tracks[2], after.Tracks[2]);
            Assert.Equal(["audio/wav", "image/png"], output.Previews!.Select(p => p.MediaType));
            var wav = Convert.FromBase64String(output.Previews![0].Data!);
            Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
            var png = Convert.FromBase64String(output.Previews[1].Data!);
            Assert.Equal(0x89, png[0]);
        }

        var unknown = await Assert.ThrowsAsync<VaeCreativeException>(() => Host.Client.VaryAsync(Model, new VariationsRequest
        {
            Seed = Material.FromMidi(Seed), Attributes = new Dictionary<string, double> { ["loudness"] = 1 },
        }));
        Assert.Equal(ProblemTypes.BadRequest, unknown.ProblemType);
        Assert.Equal("this model has no attribute 'loudness'; it has density, register, range, syncopation, stepwise, rests.", unknown.Problem!.Detail);
        var text = await Assert.ThrowsAsync<VaeCreativeException>(() => Host.Client.VaryAsync(Model, new VariationsRequest
        {
            Seed = Material.FromMidi(Seed), Attributes = new Dictionary<string, double> { ["density"] = 12 },
        }));
        Assert.Equal(400, text.Status);
    }

    [Fact]
    public async Task The_drums_model_varies_a_songs_drum_part_through_the_host()
    {
        var song = TestSongs.Arrangement(1, 96, bars: 8);
        var response = await Host.Client.VaryAsync("drums-2bar", new VariationsRequest { Seed = Material.FromMidi(song), Count = 2, Rng = 1 });
        Assert.Equal(2, response.Outputs.Count);
        foreach (var output in response.Outputs)
        {
            var drums = VaeCreative.Audio.Midi.MidiDrumReader.Read(output.MidiBytes(), "out.mid");
            Assert.Equal(8 * 16, drums.Steps);
            Assert.Equal("8", output.Property("bars"));
        }
        var noDrums = await Assert.ThrowsAsync<VaeCreativeException>(() => Host.Client.VaryAsync("drums-2bar", new VariationsRequest { Seed = Material.FromMidi(Seed) }));
        Assert.Equal(ProblemTypes.BadSeed, noDrums.ProblemType);
        Assert.Contains("has no drums", noDrums.Problem!.Detail);
    }

    [Fact]
    public async Task Interpolations_and_samples_answer_with_midi()
    {
        var interpolation = await Host.Client.InterpolateAsync(Model, new InterpolationsRequest
        {
            From = Material.FromMidi(Seed), To = Material.FromMidi(Seed), Steps = 3,
        });
        Assert.Equal(3, interpolation.Outputs.Count);
        var samples = await Host.Client.SampleAsync(Model, new SamplesRequest { Count = 5, Rng = 1 });
        Assert.Equal(5, samples.Outputs.Count);
        foreach (var o in samples.Outputs) Assert.Equal(32, MidiMelodyReader.Read(o.MidiBytes(), "sample").Steps);
    }

    [Fact]
    public async Task Requests_without_or_with_a_wrong_token_get_401()
    {
        using var anonymous = Host.RawHttp(withToken: false);
        var none = await anonymous.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(ProblemTypes.Unauthorized, (await ProblemOf(none)).Type);
        using var wrong = new VaeCreativeClient(Host.Server.Url, Host.Server.Token + "x");
        var e = await Assert.ThrowsAsync<VaeCreativeException>(() => wrong.ListModelsAsync());
        Assert.Equal(401, e.Status);
        Assert.Equal(ProblemTypes.Unauthorized, e.ProblemType);
    }

    [Fact]
    public async Task A_foreign_origin_or_host_gets_403_and_a_loopback_origin_is_served()
    {
        using var http = Host.RawHttp();
        var foreign = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        foreign.Headers.Add("Origin", "https://example.com");
        var response = await http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ProblemTypes.ForbiddenOrigin, (await ProblemOf(response)).Type);

        var rebinding = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        rebinding.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(rebinding)).StatusCode);

        var local = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        local.Headers.Add("Origin", "http://localhost:3000");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(local)).StatusCode);
    }

    [Fact]
    public async Task A_damaged_seed_gets_400_bad_seed()
    {
        foreach (var midi in new[] { "not base64!", Convert.ToBase64String(Encoding.ASCII.GetBytes("MThd garbage")) })
        {
            var e = await Assert.ThrowsAsync<VaeCreativeException>(() =>
                Host.Client.VaryAsync(Model, new VariationsRequest { Seed = new Material { Midi = midi } }));
            Assert.Equal(400, e.Status);
            Assert.Equal(ProblemTypes.BadSeed, e.ProblemType);
        }
    }

    [Theory]
    [InlineData(64 * 4, null)] // one note of 64 bars at 1 tick per quarter: 32 windows, the default limit
    [InlineData(65 * 4, "'seed' is 65 bars in 33 model windows; this host takes seeds of at most 32 model rows")]
    [InlineData(0x0FFFFFFF, "the melody is 67,108,864 bars long (4/4 bars of 16 steps); the limit is 4,096 bars")] // issue 8: 37 bytes declaring a billion steps, refused before they are built
    public async Task A_seed_longer_than_the_host_limit_gets_limit_exceeded(int noteTicks, string? detail)
    {
        var midi = MidiBytes.File(0, 1, MidiBytes.Track([0x00, 0x90, 60, 80, .. MidiBytes.Vlq(noteTicks), 0x80, 60, 0]));
        var request = new VariationsRequest { Seed = Material.FromMidi(midi), Count = 1 };
        if (detail is null)
        {
            var response = await Host.Client.VaryAsync(Model, request);
            Assert.Equal("64", response.Outputs[0].Properties!["bars"]);
            return;
        }
        var e = await Assert.ThrowsAsync<VaeCreativeException>(() => Host.Client.VaryAsync(Model, request));
        Assert.Equal(400, e.Status);
        Assert.Equal(ProblemTypes.LimitExceeded, e.ProblemType);
        Assert.Contains(detail, e.Problem!.Detail);
    }

    [Fact]
    public async Task Bad_parameters_unknown_models_and_unknown_fields_get_specific_problems()
    {
        var tooMany = await Assert.ThrowsAsync<VaeCreativeException>(() =>
            Host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromMidi(Seed), Count = 65 }));
        Assert.Equal(ProblemTypes.LimitExceeded, tooMany.ProblemType);
        var similarity = await Assert.ThrowsAsync<VaeCreativeException>(() =>
            Host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromMidi(Seed), Similarity = 2 }));
        Assert.Equal(ProblemTypes.BadRequest, similarity.ProblemType);
        Assert.Contains("similarity", similarity.Problem!.Detail);
        var unknown = await Assert.ThrowsAsync<VaeCreativeException>(() => Host.Client.SampleAsync("no-such-model", new SamplesRequest()));
        Assert.Equal(404, unknown.Status);
        Assert.Equal(ProblemTypes.UnknownModel, unknown.ProblemType);
        using var http = Host.RawHttp();
        var typo = await http.PostAsync($"/v1/models/{Model}/samples", new StringContent("{\"cuont\": 3}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("cuont", (await ProblemOf(typo)).Detail);
    }

    [Fact]
    public async Task An_oversized_body_gets_413()
    {
        var huge = "{\"seed\":{\"midi\":\"" + new string('A', 2 << 20) + "\"}}";
        var response = await Host.PostRefusedBody($"/v1/models/{Model}/variations", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemTypes.LimitExceeded, (await ProblemOf(response)).Type);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        using var http = Host.RawHttp();
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/health", "/v1/info", "/v1/models", "/v1/models/{id}/variations", "/v1/models/{id}/interpolations", "/v1/models/{id}/samples", "/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/events" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
    }

    [Fact]
    public async Task Sixty_four_concurrent_clients_times_twenty_requests_all_succeed_and_share_passes()
    {
        var seed = Material.FromMidi(Seed);
        var batchedMax = 0;
        var tasks = Enumerable.Range(0, 64).Select(async c =>
        {
            for (var r = 0; r < 20; r++)
            {
                var response = await Host.Client.VaryAsync(Model, new VariationsRequest { Seed = seed, Count = 2, Rng = c * 100 + r });
                Assert.Equal(2, response.Outputs.Count);
                InterlockedMax(ref batchedMax, response.BatchedRequests);
            }
        });
        await Task.WhenAll(tasks);
        Assert.True(batchedMax > 1, "no two requests ever shared a model pass");
    }

    [Fact]
    public async Task Concurrent_samples_and_interpolations_share_passes_and_keep_their_own_results()
    {
        var alone = await Host.Client.SampleAsync(Model, new SamplesRequest { Count = 2, Rng = 5 });
        var samples = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Host.Client.SampleAsync(Model, new SamplesRequest { Count = 2, Rng = i })));
        Assert.Contains(samples, r => r.BatchedRequests > 1);
        Assert.Equal(alone.Outputs.Select(o => o.Data), samples[5].Outputs.Select(o => o.Data)); // batching does not change a request's outputs
        var seed = Material.FromMidi(Seed);
        var interpolations = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Host.Client.InterpolateAsync(Model, new InterpolationsRequest { From = seed, To = seed, Steps = 2, Temperature = 0.5, Rng = i })));
        Assert.All(interpolations, r => Assert.Equal(2, r.Outputs.Count));
    }

    [Fact]
    public async Task The_token_file_is_private_and_the_token_survives_a_restart()
    {
        var file = Host.TokenFile;
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var connection = HostConnection.Read(file);
        Assert.Equal(Host.Server.Token, connection.Token);
        Assert.Equal(Host.Server.Url.ToString().TrimEnd('/'), connection.Url);
        Assert.Equal(43, connection.Token.Length); // 256 bits, base64url
        Assert.Equal(connection.Token, VaeCreative.Host.Server.Security.HostTokenFile.LoadOrCreate(file));
    }

    internal static async Task<Problem> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<Problem>(await response.Content.ReadAsStringAsync(), HostConnection.JsonOptions)!;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
