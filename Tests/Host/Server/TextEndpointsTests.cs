using System.Net;
using System.Text;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Tests.Support;
using VaeCreative.Tests.Text.Training;

namespace VaeCreative.Tests.Host.Server;

/// <summary>The generation endpoints serve a text model (the tiny one the text tests train) with the client's text calls, and refuse bad text.</summary>
public class TextEndpointsTests : IAsyncLifetime
{
    private const string Model = "tiny-text";
    private RunningHost host = null!;

    public async Task InitializeAsync()
    {
        host = await RunningHost.Start();
        var target = Path.Combine(host.Folder, "models", Model);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(TinyTextRun.ModelDirectory))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Text_models_vary_interpolate_and_sample_through_the_same_endpoints()
    {
        var seed = TinyTextRun.Sentences[2];
        var variations = await host.Client.VaryTextAsync(Model, seed, count: 4, rng: 3);
        Assert.Equal(4, variations.Count);
        Assert.DoesNotContain(seed, variations);
        Assert.Equal(4, variations.Distinct().Count());
        Assert.Equal(variations, await host.Client.VaryTextAsync(Model, seed, count: 4, rng: 3));
        var path = await host.Client.InterpolateTextAsync(Model, TinyTextRun.Sentences[0], TinyTextRun.Sentences[5], steps: 4);
        Assert.Equal(4, path.Count);
        var samples = await host.Client.SampleTextAsync(Model, count: 3, rng: 1);
        Assert.Equal(3, samples.Count);
        var raw = await host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromText(seed), Count = 2, TopP = 0.9 });
        Assert.All(raw.Outputs, o =>
        {
            Assert.Equal("text/plain", o.MediaType);
            Assert.Null(o.Midi);
            Assert.NotNull(o.Property("tokens"));
        });
        var models = await host.Client.ListModelsAsync();
        Assert.Equal("text", models.Single(m => m.Id == Model).Modality);
    }

    [Fact]
    public async Task Concurrent_text_requests_get_what_they_get_alone()
    {
        var seeds = TinyTextRun.Sentences.Take(6).ToList();
        var alone = new List<IReadOnlyList<string>>();
        foreach (var (s, i) in seeds.Select((s, i) => (s, i))) alone.Add(await host.Client.VaryTextAsync(Model, s, count: 3, rng: i));
        var together = await Task.WhenAll(seeds.Select((s, i) => host.Client.VaryTextAsync(Model, s, count: 3, rng: i)));
        Assert.Equal(alone, together);
    }

    public static TheoryData<string, string, string> BadText => new()
    {
        { "", ProblemTypes.BadSeed, "empty" },
        { "   \t ", ProblemTypes.BadSeed, "white space" },
        { "a\0b", ProblemTypes.BadSeed, "NUL" },
        { new string('x', 5000), ProblemTypes.LimitExceeded, "4,096" },
        // Within 4,096 characters, but some 3 tokens a character for an English tokenizer: more than 64 pieces.
        { string.Concat(Enumerable.Repeat("東京は晴れ。", 300)), ProblemTypes.LimitExceeded, "64 pieces" },
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public async Task Bad_text_gets_a_specific_problem(string text, string type, string detail)
    {
        var e = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryTextAsync(Model, text));
        Assert.Equal(type, e.Problem?.Type);
        Assert.Contains(detail, e.Problem!.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_seed_over_the_model_width_is_varied_in_pieces()
    {
        var seed = string.Join(' ', Enumerable.Repeat("word", 60)); // 60 tokens and more: two pieces
        var outputs = await host.Client.VaryTextAsync(Model, seed, count: 3, rng: 4);
        Assert.Equal(3, outputs.Distinct().Count());
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o)));
    }

    [Fact]
    public async Task Midi_for_a_text_model_text_for_a_melody_model_and_a_megabyte_are_refused()
    {
        var midi = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromMidi(File.ReadAllBytes(RepoPaths.SeedMelody)) }));
        Assert.Equal(ProblemTypes.BadSeed, midi.Problem?.Type);
        Assert.Contains("text model", midi.Problem!.Detail);
        var text = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryTextAsync("melody-2bar", "la la la"));
        Assert.Equal(ProblemTypes.BadSeed, text.Problem?.Type);
        Assert.Contains("MIDI", text.Problem!.Detail);
        var body = $"{{\"seed\":{{\"text\":\"{new string('y', 1 << 20)}\"}}}}";
        var response = await host.PostRefusedBody($"/v1/models/{Model}/variations", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemTypes.LimitExceeded, (await GeneratorServerTests.ProblemOf(response)).Type);
    }
}
