using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;
using Kind = VaeCreative.Audio.Midi.StandardMidiFile.EventKind;

namespace VaeCreative.Tests.Audio.Midi;

public class StandardMidiFileTests
{
    private static MidiReadException Damaged(byte[] file)
    {
        var e = Assert.Throws<MidiReadException>(() => StandardMidiFile.Parse(file, "x.mid"));
        Assert.Equal(MidiReadFailure.Damaged, e.Failure);
        Assert.StartsWith("x.mid: damaged MIDI file (", e.Message);
        return e;
    }

    [Fact]
    public void Running_status_before_any_status_byte_is_damage()
    {
        // NAudio skipped such bytes and read on, so a damaged file passed for one without notes.
        var e = Damaged(MidiBytes.File(0, 480, MidiBytes.Track(0x00, 60, 80)));
        Assert.Contains("data byte (0x3C) before any status byte", e.Message);
    }

    [Fact]
    public void Running_status_continues_the_last_channel_message_across_meta_events()
    {
        byte[] events = [0x00, 0x90, 60, 80, 0x00, 0xFF, 0x01, 0x01, (byte)'x', 0x10, 62, 80, 0x10, 0x80, 60, 0, 0x00, 62, 0];
        var track = StandardMidiFile.Parse(MidiBytes.File(0, 480, MidiBytes.Track(events)), "x.mid").Tracks[0];
        Assert.Equal(new[] { (0L, Kind.NoteOn, 60), (16L, Kind.NoteOn, 62), (32L, Kind.NoteOff, 60), (32L, Kind.NoteOff, 62) },
            track.Events.Select(e => (e.Time, e.Kind, e.Data1)));
    }

    [Fact]
    public void Declared_meta_and_sysex_lengths_must_fit_their_track()
    {
        // NAudio allocated a meta event's declared length (up to 256 MB) before finding the file too short.
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("meta event of 268435455 bytes", Damaged(MidiBytes.File(0, 480, MidiBytes.Track(0x00, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x7F, 0x41))).Message);
        Assert.Contains("system exclusive message of 268435455 bytes", Damaged(MidiBytes.File(0, 480, MidiBytes.Track(0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0x7F, 0x41))).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Chunk_lengths_past_the_end_and_missing_tracks_are_truncation()
    {
        var file = MidiBytes.File(0, 480, MidiBytes.Track(MidiBytes.Notes(0, [(60, 480)])));
        file[21] += 1;
        Assert.Contains("truncated: chunk 1 declares", Damaged(file).Message);
        var twoDeclared = MidiBytes.File(1, 480, MidiBytes.Track(MidiBytes.Notes(0, [(60, 480)])));
        twoDeclared[11] = 2;
        Assert.Contains("the header declares 2 tracks; the file holds 1", Damaged(twoDeclared).Message);
        var thousands = MidiBytes.File(1, 480, MidiBytes.Track(MidiBytes.Notes(0, [(60, 480)])));
        thousands[10] = 0xFF;
        thousands[11] = 0xFF;
        Assert.Contains("the header declares 65535 tracks; the file holds 1", Damaged(thousands).Message);
    }

    [Fact]
    public void Events_that_cross_their_chunk_and_long_numbers_are_damage()
    {
        var file = MidiBytes.File(0, 480, MidiBytes.Track(MidiBytes.Notes(0, [(60, 480)])));
        file[21] -= 2; // the end-of-track event now crosses the chunk's end
        Assert.Contains("runs past the end of its chunk", Damaged(file[..^2]).Message);
        Assert.Contains("longer than 4 bytes", Damaged(MidiBytes.File(0, 480, MidiBytes.Track(0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x90, 60, 80))).Message);
        Assert.Contains("status byte 0xF4", Damaged(MidiBytes.File(0, 480, MidiBytes.Track(0x00, 0xF4))).Message);
        Assert.Contains("note number 200", Damaged(MidiBytes.File(0, 480, MidiBytes.Track(0x00, 0x90, 0x3C, 80, 0x00, 0x3C, 0x00, 0x00, 0x80, 200, 0))).Message);
    }

    [Fact]
    public void Unknown_chunks_are_skipped_and_format_0_tracks_share_one_clock()
    {
        byte[] alien = [(byte)'X', (byte)'F', (byte)'I', (byte)'H', 0, 0, 0, 3, 1, 2, 3];
        var track = MidiBytes.Track(MidiBytes.Notes(0, [(60, 480)]));
        var header = MidiBytes.Header(0, 2, 480);
        var file = StandardMidiFile.Parse([.. header, .. alien, .. track, .. track], "x.mid");
        Assert.Equal(2, file.Tracks.Count);
        Assert.Equal(480, file.Tracks[0].End);
        Assert.Equal(960, file.Tracks[1].End);
        Assert.Equal(480, file.Tracks[1].Events[0].Time);
    }

    [Fact]
    public void Every_Nottingham_file_parses_to_the_note_events_NAudio_sees()
    {
        // The parser replaced NAudio's for reading: on real files it must see the same notes, tempi and track ends.
        var files = Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Append(RepoPaths.SeedMelody).ToList();
        Assert.True(files.Count > 900);
        foreach (var path in files)
        {
            var bytes = File.ReadAllBytes(path);
            var ours = StandardMidiFile.Parse(bytes, path);
            var naudio = new NAudio.Midi.MidiFile(new MemoryStream(bytes), false);
            Assert.Equal(naudio.DeltaTicksPerQuarterNote, ours.Division);
            Assert.Equal(naudio.Tracks, ours.Tracks.Count);
            for (var t = 0; t < naudio.Tracks; t++)
            {
                var expected = naudio.Events[t].Select(Kept).OfType<(long, Kind, int, int)>().ToList();
                Assert.Equal(expected, ours.Tracks[t].Events.Select(e => (e.Time, e.Kind, e.Channel, e.Data1)).ToList());
                Assert.Equal(naudio.Events[t].Max(e => e.AbsoluteTime), ours.Tracks[t].End);
            }
        }
    }

    private static (long, Kind, int, int)? Kept(NAudio.Midi.MidiEvent e) => e switch
    {
        NAudio.Midi.NoteEvent n when e.CommandCode == NAudio.Midi.MidiCommandCode.NoteOn =>
            (e.AbsoluteTime, n.Velocity > 0 ? Kind.NoteOn : Kind.NoteOff, n.Channel, n.NoteNumber),
        NAudio.Midi.NoteEvent n when e.CommandCode == NAudio.Midi.MidiCommandCode.NoteOff => (e.AbsoluteTime, Kind.NoteOff, n.Channel, n.NoteNumber),
        NAudio.Midi.TempoEvent t => (e.AbsoluteTime, Kind.Tempo, 0, t.MicrosecondsPerQuarterNote),
        NAudio.Midi.TimeSignatureEvent s => (e.AbsoluteTime, Kind.TimeSignature, 0, s.Numerator),
        _ => null,
    };
}
