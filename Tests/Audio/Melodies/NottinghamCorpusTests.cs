using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;
using Xunit.Abstractions;

namespace VaeCreative.Tests.Audio.Melodies;

public class NottinghamCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_Nottingham_file_loads_and_gives_windows()
    {
        var corpus = TestMelodies.Nottingham;
        var files = MidiCorpusFolder.ListFiles(RepoPaths.Nottingham);
        Assert.Equal(934, files.Count);
        Assert.Empty(corpus.Failures.Select(f => f.Message));
        Assert.Equal(files.Count, corpus.Files.Count);
        Assert.All(corpus.Files, f => Assert.True(f.Windows > 0, $"{f.Path} gives no windows"));
        var held = corpus.Files.Count(f => f.Validation);
        output.WriteLine($"{corpus.Files.Count} files, {corpus.Train.Count} training windows, {corpus.Validation.Count} validation windows, {held} files held out");
        Assert.InRange(held, 60, 130); // about 10% of 934
        Assert.InRange(corpus.Train.Count + corpus.Validation.Count, 20_000, 60_000);
    }

    [Fact]
    public void The_held_out_split_is_a_stable_function_of_the_path()
    {
        Assert.Equal(MidiCorpusFolder.IsHeldOut("reels_simple_chords_1.mid", 0.1), MidiCorpusFolder.IsHeldOut("reels_simple_chords_1.mid", 0.1));
        Assert.False(MidiCorpusFolder.IsHeldOut("anything.mid", 0));
        var share = Enumerable.Range(0, 10_000).Count(i => MidiCorpusFolder.IsHeldOut($"dir/tune{i}.mid", 0.1)) / 10_000.0;
        Assert.InRange(share, 0.08, 0.12);
    }

    [Fact]
    public void Training_batches_transpose_within_range_and_validation_batches_do_not()
    {
        var corpus = TestMelodies.Nottingham;
        var indices = Enumerable.Range(0, 64).ToArray();
        using var plain = corpus.Train.Batch(indices, null);
        using var shifted = corpus.Train.Batch(indices, new Random(3));
        var a = plain.data<long>().ToArray();
        var b = shifted.data<long>().ToArray();
        Assert.NotEqual(a, b);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(MelodyEncoding.IsNoteOn((int)a[i]), MelodyEncoding.IsNoteOn((int)b[i]));
            if (MelodyEncoding.IsNoteOn((int)a[i])) Assert.InRange(b[i] - a[i], -5, 5);
            else Assert.Equal(a[i], b[i]);
        }
    }
}
