using VaeCreative.Audio.Drums;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// Puts a new drum part into the MIDI file it was read from: the result is the seed file — header, resolution, every
/// other event byte for byte — with the kit's hits on channel 10 in the chosen steps replaced (in whichever tracks
/// they were), and the new hits written into the track that held most of the drums. Percussion outside the kit's
/// table (a tambourine, a cowbell) stays.
/// </summary>
public static class MidiDrumArrangement
{
    /// <summary>The bytes of <paramref name="seedFile"/> with its drum hits in steps <paramref name="from"/>–<paramref name="to"/> replaced by <paramref name="drums"/>' hits there.</summary>
    public static byte[] Replace(byte[] seedFile, DrumPattern drums, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(seedFile);
        ArgumentNullException.ThrowIfNull(drums);
        if (from < 0 || to > drums.Steps || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"steps {from}–{to} are not within the pattern's {drums.Steps} steps.");
        var file = StandardMidiFile.Parse(seedFile, "seed");
        var tpq = file.Division;
        long Tick(int step) => (long)Math.Round((double)step * tpq / DrumEncoding.StepsPerQuarter, MidpointRounding.AwayFromZero);
        bool InRange(long tick) => MidiTimeline.Quantise(tick, tpq) is var step && step >= from && step < to;
        bool IsKitHit(MidiArrangement.RawEvent e) => e.Channel == MidiMelodyReader.DrumChannel && e.NoteOn is not null && DrumEncoding.ClassOf(e.Pitch) is not null;

        var tracks = file.Tracks.Select(t => (Track: t, Events: MidiArrangement.RawEvents(seedFile, t).Where(e => !e.IsEndOfTrack).ToList())).ToList();
        var target = tracks.OrderByDescending(t => t.Events.Count(e => IsKitHit(e) && e.NoteOn == true)).ThenBy(t => t.Track.ChunkStart).First().Track;
        var chunks = new Dictionary<StandardMidiFile.Track, byte[]>();
        foreach (var (track, events) in tracks)
        {
            var kept = new List<(long Time, int Rank, int Index, byte[] Bytes)>();
            var open = new Dictionary<int, Stack<bool>>(); // per pitch: true when the sounding hit is being taken out
            var changed = false;
            foreach (var e in events)
            {
                if (IsKitHit(e))
                {
                    if (e.NoteOn == true)
                    {
                        var cut = InRange(e.Time);
                        if (!open.TryGetValue(e.Pitch, out var stack)) open[e.Pitch] = stack = new();
                        stack.Push(cut);
                        changed |= cut;
                        if (cut) continue;
                    }
                    else if (open.TryGetValue(e.Pitch, out var sounding) && sounding.Count > 0 && sounding.Pop()) continue;
                }
                kept.Add((e.Time, 0, kept.Count, e.Bytes));
            }
            if (track == target)
            {
                var index = 0;
                for (var t = from; t < to; t++)
                    foreach (var c in DrumEncoding.ClassesOf(drums.Tokens[t]))
                    {
                        var pitch = (byte)DrumEncoding.PitchOf(c);
                        // Offs before ons at a tick, after the file's own events there.
                        // A thirty-second long, within the track's length (a hit on its last tick ends a tick later).
                        var on = Tick(t);
                        var off = Math.Min(on + Math.Max(1, tpq / 8), track.End);
                        if (off <= on) off = on + 1;
                        kept.Add((on, 2, index++, [0x99, pitch, drums.Velocities[t][c]]));
                        kept.Add((off, 1, index++, [0x89, pitch, 64]));
                    }
                changed = true;
            }
            if (changed) chunks[track] = MidiArrangement.Chunk(track, kept.OrderBy(e => e.Time).ThenBy(e => e.Rank).ThenBy(e => e.Index).Select(e => (e.Time, e.Bytes)));
        }
        return MidiArrangement.WithTracks(seedFile, chunks);
    }
}
