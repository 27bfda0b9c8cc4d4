using System.Diagnostics;
using VaeCreative.Image.Imaging;
using Xunit.Abstractions;

namespace VaeCreative.Tests.Image.Imaging;

/// <summary>
/// The short, seeded run of the image fuzzer (the long campaign is bench/fuzz.sh --target image): every mutated input
/// of every format either decodes or fails with <see cref="ImageReadException"/>, in bounded time and memory.
/// </summary>
public class ImageFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 3_000;

    [Fact]
    public void Mutated_images_decode_or_fail_with_ImageReadException_in_bounded_time_and_memory()
    {
        var mutator = new ImageMutator(ImageMutator.DefaultSeeds());
        var random = new Random(20261126);
        var outcomes = new Dictionary<string, int>();
        var slowest = 0.0;
        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Next(random);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                var image = ImageDecoder.Decode(input, "fuzz");
                Assert.Equal(4L * image.Width * image.Height, image.Rgba.Length);
                outcome = "decoded";
            }
            catch (ImageReadException e) { outcome = e.OverLimit ? "over-limit" : e.Message.Split(':')[0].Replace("'fuzz' ", ""); }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}");
                return;
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            // At most the pixels of the largest image allowed (4 bytes each) plus the input and small change.
            Assert.True(allocated < 4 * ImageDecoder.DefaultMaxPixels + 4L * input.Length + 4_000_000,
                $"input {i} ({input.Length} bytes) allocated {allocated:N0} bytes\ninput (base64): {Convert.ToBase64String(input)}");
            var kind = outcome.Length > 40 ? outcome[..40] : outcome;
            outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")) + $"; slowest {slowest:F1} ms");
        Assert.True(slowest < 2_000, $"slowest input took {slowest:F0} ms");
        // The mutations reach both sides: some inputs still decode, and the refusals answer.
        Assert.True(outcomes.GetValueOrDefault("decoded") > Inputs / 20, "too few inputs still decode: the mutations are too destructive");
        Assert.True(outcomes.Count >= 4, "the refusals should be of several kinds: " + string.Join(", ", outcomes.Keys));
    }

    [Fact]
    public void The_mutator_is_deterministic_for_a_seed()
    {
        var a = new ImageMutator(ImageMutator.DefaultSeeds());
        var b = new ImageMutator(ImageMutator.DefaultSeeds());
        Random ra = new(5), rb = new(5);
        for (var i = 0; i < 200; i++) Assert.Equal(a.Next(ra), b.Next(rb));
    }
}
