using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Host.Server;
using VaeCreative.Image;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;

namespace VaeCreative.Tests.Host.Server;

/// <summary>
/// Issue 23, point 2: outputs are drawn at the seed's size, so a small file (a 693-byte JPEG declaring 4096 × 4096)
/// could ask for gigabytes, and a request answered 504 went on running. Every request's cost is checked before the
/// work starts, and the work of a request nobody waits for stops.
/// </summary>
public class RequestCostTests
{
    private const string Model = ImageEndpointsTests.Model;

    private static Task<RunningHost> Start(Func<ServerOptions, ServerOptions>? configure = null) => ImageEndpointsTests.StartWithSprites(configure);

    private static byte[] Jpeg(int width, int height) => ImageEndpointsTests.Jpeg(width, height);

    private static async Task<Problem> Refused(RunningHost host, byte[] seed, int count)
    {
        var e = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryImageAsync(Model, seed, count: count));
        Assert.Equal(ProblemTypes.LimitExceeded, e.Problem?.Type);
        return e.Problem!;
    }

    [Fact]
    public async Task Output_pixels_are_checked_before_any_work_whatever_the_file_s_size()
    {
        await using var host = await Start(o => o with { MaxOutputPixels = 40 * 24 * 2, MaxRequestRows = 3, MaxResponseBytes = 64 << 10 });
        var queue = host.Server.Context.Queue;
        var small = Jpeg(40, 24);
        Assert.Equal(2, (await host.Client.VaryImageAsync(Model, small, count: 2)).Count); // at the limits
        var executed = queue.Executed;

        var pixels = await Refused(host, small, 3);
        Assert.Contains("2,880 pixels", pixels.Detail);
        Assert.Contains("serve --max-output-pixels", pixels.Detail);
        // 4096 × 4096 in a few KB: refused for what it would produce, not for its size on the wire.
        var large = Jpeg(4096, 4096);
        Assert.True(large.Length < 200_000);
        Assert.Contains("serve --max-output-pixels", (await Refused(host, large, 1)).Detail);
        Assert.Equal(executed, queue.Executed); // nothing reached the model
    }

    [Fact]
    public async Task Rows_and_answer_bytes_limits_name_themselves()
    {
        await using var host = await Start(o => o with { MaxRequestRows = 3, MaxResponseBytes = 64 << 10 });
        var sprite = ImageEncoder.Png(TinyImageRun.Sprite(3));
        Assert.Contains("serve --max-request-rows", (await Refused(host, sprite, 4)).Detail);
        // 2 outputs of 128 × 128 RGBA can take 2 × 66 KB stored: over 64 KiB.
        var bytes = await Refused(host, Jpeg(128, 128), 2);
        Assert.Contains("serve --max-response-bytes", bytes.Detail);
        Assert.Equal(0, host.Server.Context.Queue.Executed);
    }

    [Fact]
    public async Task A_request_answered_504_while_it_runs_stops_and_counts_as_dropped()
    {
        await using var host = await Start();
        var queue = host.Server.Context.Queue;
        await host.Client.SampleImageAsync(Model, count: 1); // model loaded
        var executed = queue.Executed;
        var seed = Jpeg(2048, 2048); // 4 outputs fitted back to 2048 × 2048 and encoded: seconds of work
        var late = await Assert.ThrowsAsync<VaeCreativeException>(() =>
            host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromImage(seed), Count = 4, TimeoutMs = 50 }));
        Assert.Equal(ProblemTypes.DeadlineExceeded, late.Problem?.Type);
        await GenerationQueueTests.Until(() => queue.Dropped == 1);
        Assert.Equal(executed, queue.Executed); // stopped, not finished after the answer
        Assert.Equal(1, (await host.Client.InfoAsync()).Queue.Dropped);
    }

    [Fact]
    public void A_seed_s_output_bound_holds_for_the_least_compressible_image()
    {
        var random = new Random(5);
        var rgba = new byte[97 * 61 * 4];
        random.NextBytes(rgba);
        var noise = new RgbaImage(97, 61, rgba);
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        var seed = generator.Prepare(VaeCreative.Core.Modalities.Material.FromBytes(ImageMediaTypes.Png, ImageEncoder.Png(noise)), "seed");
        Assert.Equal(97L * 61, seed.OutputPixels);
        Assert.InRange(ImageEncoder.Png(noise).LongLength, 1, seed.MaxOutputBytes);
        Assert.InRange(seed.MaxOutputBytes, 97L * 61 * 4, 97L * 61 * 4 + 8_192);
    }
}
