using System.Diagnostics;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;
using Xunit.Abstractions;

namespace VaeCreative.Tests.Audio.Midi;

/// <summary>
/// The short, seeded run of the MIDI fuzzer (the long campaign is bench/fuzz.sh): every mutated input either
/// reads a melody or throws <see cref="MidiReadException"/>, within bounded time and memory.
/// </summary>
public class MidiFuzzTests(ITestOutputHelper output)
{
    /// <summary>Inputs per run: a few seconds on one core.</summary>
    private const int Inputs = 5_000;

    /// <summary>Seeds: the sample melody, five Nottingham tunes, and hand-built files with what the tunes lack.</summary>
    public static IReadOnlyList<byte[]> Seeds()
    {
        var nottingham = new[] { "ashover1.mid", "jigs115.mid", "reelsa-c52.mid", "waltzes10.mid", "playford1.mid" }
            .Select(name => Path.Combine(RepoPaths.RequireNottingham(), name));
        var built = new[]
        {
            // Type 0 with running status, a sysex, a text event, tempo and metre.
            MidiBytes.File(0, 96, MidiBytes.Track(
                0x00, 0xF0, 0x03, 0x7E, 0x01, 0xF7, 0x00, 0xFF, 0x01, 0x02, (byte)'h', (byte)'i',
                0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, 0x00, 0xFF, 0x58, 0x04, 0x03, 0x02, 0x18, 0x08,
                0x00, 0x90, 60, 80, 0x30, 62, 80, 0x30, 60, 0, 0x30, 62, 0)),
            // Three tracks: conductor, melody, drums.
            MidiBytes.File(1, 480, MidiBytes.Track(0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40),
                MidiBytes.Track(MidiBytes.Notes(0, [(67, 240), (69, 240), (71, 480)])), MidiBytes.Track(MidiBytes.Notes(9, [(36, 120), (38, 120)]))),
        };
        return [File.ReadAllBytes(RepoPaths.SeedMelody), .. nottingham.Select(File.ReadAllBytes), .. built];
    }

    [Fact]
    public void Mutated_midi_files_read_or_fail_with_MidiReadException_in_bounded_time_and_memory()
    {
        var mutator = new MidiMutator(Seeds());
        var random = new Random(20261125);
        var outcomes = new Dictionary<string, int>();
        var slowest = (Ms: 0.0, Input: Array.Empty<byte>());
        var worstAllocation = (Bytes: 0L, Input: Array.Empty<byte>());
        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Next(random);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                MidiMelodyReader.Read(input, "fuzz.mid");
                outcome = "ok";
            }
            catch (MidiReadException e) { outcome = e.Failure.ToString(); }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}\n{e}");
                return;
            }
            clock.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (clock.Elapsed.TotalMilliseconds > slowest.Ms) slowest = (clock.Elapsed.TotalMilliseconds, input);
            // Bounded by content: linear in the input (a 3-byte note event becomes a 24-byte event, a note, LINQ
            // groups: about 100 bytes per input byte at worst) plus a melody of at most MaxSteps tokens.
            var bound = 16_000_000 + 256L * input.Length;
            Assert.True(allocated < bound, $"input {i} ({input.Length} bytes) allocated {allocated:N0} bytes\ninput (base64): {Convert.ToBase64String(input)}");
            if (allocated > worstAllocation.Bytes) worstAllocation = (allocated, input);
        }
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        output.WriteLine($"slowest {slowest.Ms:F1} ms ({slowest.Input.Length} bytes); most allocated {worstAllocation.Bytes:N0} bytes ({worstAllocation.Input.Length} bytes)");
        // A generous bound (a busy 2-core machine, JIT on first calls): a bomb used to take seconds to minutes.
        Assert.True(slowest.Ms < 2_000, $"slowest input took {slowest.Ms:F0} ms\ninput (base64): {Convert.ToBase64String(slowest.Input)}");
        // The mutations reach every outcome: some inputs still read, and the limits answer.
        Assert.True(outcomes.GetValueOrDefault("ok") > Inputs / 20, "too few inputs still read: the mutations are too destructive to reach the melody code");
        Assert.True(outcomes.ContainsKey(nameof(MidiReadFailure.Damaged)));
        Assert.True(outcomes.ContainsKey(nameof(MidiReadFailure.TooLong)));
    }

    [Fact]
    public void The_mutator_is_deterministic_for_a_seed()
    {
        var a = new MidiMutator(Seeds());
        var b = new MidiMutator(Seeds());
        Random ra = new(5), rb = new(5);
        for (var i = 0; i < 200; i++) Assert.Equal(a.Next(ra), b.Next(rb));
    }
}
