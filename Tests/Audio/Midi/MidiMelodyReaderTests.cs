using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Midi;

public class MidiMelodyReaderTests
{
    private static readonly (int, int)[] Scale = [(60, 240), (62, 240), (64, 240), (65, 240), (67, 480)];

    [Fact]
    public void Random_bytes_are_not_a_midi_file()
    {
        var bytes = new byte[500];
        new Random(7).NextBytes(bytes);
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(bytes, "noise.mid"));
        Assert.Equal("noise.mid: not a MIDI file (no MThd header)", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_reported_as_damaged()
    {
        var whole = MidiBytes.File(1, 480, MidiBytes.Track(MidiBytes.Notes(0, Scale)));
        var truncated = whole[..(whole.Length - 9)];
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(truncated, "cut.mid"));
        Assert.StartsWith("cut.mid: damaged MIDI file", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_file_with_zero_tracks_is_rejected()
    {
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(MidiBytes.Header(1, 0, 480), "empty.mid"));
        Assert.Equal("empty.mid: has zero tracks", e.Message);
    }

    [Fact]
    public void An_empty_file_is_rejected()
    {
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read([], "zero.mid"));
        Assert.Equal("zero.mid: file is empty", e.Message);
    }

    [Fact]
    public void A_drums_only_file_has_no_usable_melody()
    {
        var drums = MidiBytes.File(1, 480, MidiBytes.Track(MidiBytes.Notes(9, [(36, 120), (38, 120), (42, 120)])));
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(drums, "drums.mid"));
        Assert.Equal("drums.mid: has no usable melody: it only has drums (channel 10)", e.Message);
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read("/nonexistent/tune.mid"));
        Assert.Equal("/nonexistent/tune.mid: file not found", e.Message);
    }

    [Fact]
    public void Smpte_time_division_is_rejected()
    {
        var smpte = MidiBytes.File(0, 0xE728, MidiBytes.Track(MidiBytes.Notes(0, Scale)));
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(smpte, "smpte.mid"));
        Assert.Contains("SMPTE", e.Message);
    }

    [Theory]
    [InlineData(96)]
    [InlineData(480)]
    [InlineData(1000)]
    [InlineData(1024)]
    public void Any_resolution_quantises_to_sixteenths(int ticksPerQuarter)
    {
        var eighth = ticksPerQuarter / 2;
        var file = MidiBytes.File(0, ticksPerQuarter, MidiBytes.Track(MidiBytes.Notes(0, [(60, eighth), (62, eighth), (64, ticksPerQuarter)])));
        var melody = MidiMelodyReader.Read(file, "r.mid");
        int on(int p) => MelodyEncoding.NoteOn(p);
        Assert.Equal(new[] { on(60), 0, on(62), 0, on(64), 0, 0, 0 }, melody.Tokens);
    }

    [Fact]
    public void The_monophonic_track_is_chosen_over_a_chord_track_in_either_order()
    {
        var melodyTrack = MidiBytes.Track(MidiBytes.Notes(0, Scale));
        var chordEvents = new List<byte>();
        foreach (var root in new[] { 48, 53, 55 })
        {
            chordEvents.AddRange(new byte[] { 0x00, 0x91, (byte)root, 80, 0x00, 0x91, (byte)(root + 4), 80, 0x00, 0x91, (byte)(root + 7), 80 });
            chordEvents.AddRange(MidiBytes.Vlq(480).Concat(new byte[] { 0x81, (byte)root, 0, 0x00, 0x81, (byte)(root + 4), 0, 0x00, 0x81, (byte)(root + 7), 0 }));
        }
        var chordTrack = MidiBytes.Track(chordEvents.ToArray());
        foreach (var order in new[] { new[] { melodyTrack, chordTrack }, new[] { chordTrack, melodyTrack } })
        {
            var melody = MidiMelodyReader.Read(MidiBytes.File(1, 480, order), "two.mid");
            Assert.Equal(MelodyEncoding.NoteOn(60), melody.Tokens[0]);
            Assert.Equal(5, melody.NoteCount);
        }
    }

    [Fact]
    public void Type_0_files_with_several_channels_pick_the_melodic_channel_and_skip_drums()
    {
        // One track: drums on channel 10 (many notes), a melody on channel 3.
        var events = MidiBytes.Notes(9, Enumerable.Repeat((36, 60), 30).ToArray()).Concat(MidiBytes.Notes(2, Scale)).ToArray();
        var melody = MidiMelodyReader.Read(MidiBytes.File(0, 480, MidiBytes.Track(events)), "t0.mid");
        Assert.Equal(5, melody.NoteCount);
        Assert.All(melody.Notes(), n => Assert.InRange(n.Pitch, 60, 67));
    }

    [Fact]
    public void Polyphony_keeps_the_highest_pitch()
    {
        // C-E-G chord then a lower note under a held high note.
        byte[] events =
        [
            0x00, 0x90, 60, 80, 0x00, 0x90, 64, 80, 0x00, 0x90, 67, 80,
            0x83, 0x60, 0x80, 60, 0, 0x00, 0x80, 64, 0, 0x00, 0x80, 67, 0, // 480 ticks later
            0x00, 0x90, 72, 80, 0x81, 0x70, 0x90, 55, 80, // 240 ticks later a low note starts under 72
            0x81, 0x70, 0x80, 72, 0, 0x00, 0x80, 55, 0,
        ];
        var melody = MidiMelodyReader.Read(MidiBytes.File(0, 480, MidiBytes.Track(events)), "poly.mid");
        var notes = melody.Notes();
        Assert.Equal(new[] { 67, 72 }, notes.Select(n => n.Pitch));
    }

    [Fact]
    public void Track_override_selects_the_requested_track()
    {
        var first = MidiBytes.Track(MidiBytes.Notes(0, Scale));
        var second = MidiBytes.Track(MidiBytes.Notes(1, [(70, 480), (72, 480)]));
        var file = MidiBytes.File(1, 480, first, second);
        Assert.Equal(5, MidiMelodyReader.Read(file, "a.mid").NoteCount);
        Assert.Equal(2, MidiMelodyReader.Read(file, "a.mid", track: 1).NoteCount);
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(file, "a.mid", track: 5));
        Assert.Equal("a.mid: has no track 5 (tracks are numbered 0 to 1)", e.Message);
    }

    [Fact]
    public void Tempo_changes_do_not_move_notes_off_the_beat_grid()
    {
        // Tempo change between the notes: positions are musical (ticks), not seconds.
        byte[] events =
        [
            0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, // 120 qpm
            0x00, 0x90, 60, 80, 0x83, 0x60, 0x80, 60, 0,
            0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40, // 60 qpm
            0x00, 0x90, 62, 80, 0x83, 0x60, 0x80, 62, 0,
        ];
        var melody = MidiMelodyReader.Read(MidiBytes.File(0, 480, MidiBytes.Track(events)), "tempo.mid");
        Assert.Equal(120, melody.TempoQpm, 3);
        Assert.Equal(new[] { (0, 4, 60), (4, 8, 62) }, melody.Notes());
    }

    [Fact]
    public void Pitches_outside_the_encodable_range_fold_by_octaves()
    {
        var melody = MidiMelodyReader.Read(MidiBytes.File(0, 480, MidiBytes.Track(MidiBytes.Notes(0, [(12, 480), (120, 480)]))), "range.mid");
        Assert.Equal(new[] { 24, 108 }, melody.Notes().Select(n => n.Pitch));
    }

    // 0x0FFFFFFF, the largest variable-length quantity: at 1 tick per quarter, over a billion steps.
    private static readonly byte[] HugeDelta = [0xFF, 0xFF, 0xFF, 0x7F];

    public static TheoryData<string, byte[]> Bombs() => new()
    {
        // A note-on after the largest delta, never switched off.
        { "late note", MidiBytes.File(0, 1, MidiBytes.Track([.. HugeDelta, 0x90, 60, 80])) },
        // One note lasting the largest delta.
        { "long note", MidiBytes.File(0, 1, MidiBytes.Track([0x00, 0x90, 60, 80, .. HugeDelta, 0x80, 60, 0])) },
        // A short note, then the end of the track after the largest delta (trailing rests).
        { "long rest", MidiBytes.File(0, 1, [.. MidiBytes.Track([0x00, 0x90, 60, 80, 0x01, 0x80, 60, 0])[..^4], .. HugeDelta, 0xFF, 0x2F, 0x00]) },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void A_few_bytes_declaring_a_huge_length_are_refused_without_building_it(string shape, byte[] file)
    {
        Assert.True(file.Length < 40, $"{shape}: {file.Length} bytes");
        // Per-thread allocation: exact for the reader, which runs on this thread, whatever other tests do.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(LengthFixed(file), "bomb.mid"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(MidiReadFailure.TooLong, e.Failure);
        Assert.Equal("bomb.mid: the melody is 67,108,864 bars long (4/4 bars of 16 steps); the limit is 4,096 bars", e.Message);
        Assert.True(allocated < 1_000_000, $"{shape}: reading {file.Length} bytes allocated {allocated:N0} bytes");
    }

    [Fact]
    public void The_length_limit_is_checked_at_its_edge_and_callers_can_lower_it()
    {
        // 4 ticks per quarter: one tick is one step.
        byte[] Note(int steps) => MidiBytes.File(0, 4, MidiBytes.Track([0x00, 0x90, 60, 80, .. MidiBytes.Vlq(steps), 0x80, 60, 0]));
        Assert.Equal(MidiMelodyReader.MaxSteps, MidiMelodyReader.Read(Note(MidiMelodyReader.MaxSteps), "edge.mid").Steps);
        var over = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(Note(MidiMelodyReader.MaxSteps + 1), "over.mid"));
        Assert.Equal(MidiReadFailure.TooLong, over.Failure);

        Assert.Equal(64 * 16, MidiMelodyReader.Read(Note(64 * 16), "64.mid", maxSteps: 64 * 16).Steps);
        var seed = Assert.Throws<MidiReadException>(() => MidiMelodyReader.Read(Note(64 * 16 + 1), "65.mid", maxSteps: 64 * 16));
        Assert.Equal("65.mid: the melody is 65 bars long (4/4 bars of 16 steps); the limit is 64 bars", seed.Message);
    }

    [Fact]
    public void Many_tracks_and_channels_cost_one_reduction_not_one_each()
    {
        // 1,000 tracks × 15 channels, each a one-step note in a 256-bar track: 15,000 candidate melodies.
        var track = new List<byte>();
        for (var channel = 0; channel < 16; channel++)
            if (channel != 9) track.AddRange(new byte[] { 0x00, (byte)(0x90 | channel), 60, 80, 0x00, (byte)(0x80 | channel), 60, 0 });
        track.AddRange(MidiBytes.Vlq(256 * 16 * 120 / 4));
        track.AddRange(new byte[] { 0xFF, 0x01, 0x00 }); // an empty text event marks the 256-bar end
        var file = MidiBytes.File(1, 120, Enumerable.Repeat(MidiBytes.Track(track.ToArray()), 1000).ToArray());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var melody = MidiMelodyReader.Read(file, "tracks.mid");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(256 * 16, melody.Steps);
        // Reducing every candidate would allocate 15,000 × 4,096 tokens (246 MB) and more.
        Assert.True(allocated < 64_000_000, $"reading {file.Length:N0} bytes allocated {allocated:N0} bytes");
    }

    /// <summary>The bomb files above are built with MidiBytes.Track's length, then edited: recompute it.</summary>
    private static byte[] LengthFixed(byte[] file)
    {
        var copy = (byte[])file.Clone();
        var length = copy.Length - 22;
        copy[18] = (byte)(length >> 24);
        copy[19] = (byte)(length >> 16);
        copy[20] = (byte)(length >> 8);
        copy[21] = (byte)length;
        return copy;
    }
}

