#!/usr/bin/env python3
"""Writes samples/seed-melody.mid: a 4-bar D-major tune composed for VaeCreative's demo.

Written with mido (an independent MIDI library) so the demo seed does not depend on our own writer.
Run with Debian's python3 and python3-mido: /usr/bin/python3 samples/make-seed-melody.py
"""
import os
import mido

TPQ = 480
E = TPQ // 2  # eighth note
Q = TPQ       # quarter note
H = 2 * TPQ   # half note
# (MIDI pitch, duration in ticks); D major, 4/4, 4 bars.
TUNE = [
    (62, Q), (66, E), (69, E), (74, Q), (69, Q),        # bar 1: D F# A D' A
    (71, E), (69, E), (67, E), (66, E), (64, H),        # bar 2: B A G F# E
    (66, Q), (69, E), (66, E), (67, Q), (71, Q),        # bar 3: F# A F# G B
    (69, E), (67, E), (66, E), (64, E), (62, H),        # bar 4: A G F# E D
]

mid = mido.MidiFile(type=1, ticks_per_beat=TPQ)
conductor = mido.MidiTrack()
conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(110), time=0))
conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
conductor.append(mido.MetaMessage("end_of_track", time=0))
melody = mido.MidiTrack()
melody.append(mido.MetaMessage("track_name", name="VaeCreative demo seed", time=0))
for pitch, duration in TUNE:
    melody.append(mido.Message("note_on", note=pitch, velocity=90, time=0))
    melody.append(mido.Message("note_off", note=pitch, velocity=0, time=duration))
melody.append(mido.MetaMessage("end_of_track", time=0))
mid.tracks.extend([conductor, melody])
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed-melody.mid")
mid.save(out)
print(out)
