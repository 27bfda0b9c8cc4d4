#!/usr/bin/env python3
"""Writes samples/seed-drums.mid: a 4-bar rock groove with ghost notes and a tom fill, written for VaeCreative's demo.

Written with mido (an independent MIDI library) so the demo seed does not depend on our own writer.
Run with Debian's python3 and python3-mido: /usr/bin/python3 samples/make-seed-drums.py
"""
import os
import mido

TPQ = 480
S = TPQ // 4  # sixteenth note
KICK, SNARE, HAT, OPEN_HAT, LOW_TOM, MID_TOM, HIGH_TOM, CRASH = 36, 38, 42, 46, 45, 48, 50, 49

# (step in the bar 0-15, pitch, velocity) for one bar of the groove.
GROOVE = [(s, HAT, 90 if s % 4 == 0 else 60) for s in range(0, 16, 2)]
GROOVE += [(0, KICK, 110), (6, KICK, 85), (8, KICK, 105), (4, SNARE, 115), (12, SNARE, 115), (11, SNARE, 35), (15, SNARE, 30)]
FILL = [(0, KICK, 110), (0, HAT, 90), (4, SNARE, 115), (8, HIGH_TOM, 100), (9, HIGH_TOM, 80), (10, MID_TOM, 100),
        (11, MID_TOM, 80), (12, LOW_TOM, 110), (13, LOW_TOM, 85), (14, SNARE, 120), (15, SNARE, 100)]

events = []  # (tick, pitch, velocity)
for bar in range(4):
    pattern = FILL if bar == 3 else GROOVE
    for step, pitch, velocity in pattern:
        if bar == 2 and pitch == HAT and step == 14:
            pitch = OPEN_HAT
        events.append((bar * 16 * S + step * S, pitch, velocity))
events.append((0, CRASH, 110))

mid = mido.MidiFile(type=1, ticks_per_beat=TPQ)
conductor = mido.MidiTrack()
conductor.append(mido.MetaMessage('set_tempo', tempo=mido.bpm2tempo(100), time=0))
conductor.append(mido.MetaMessage('time_signature', numerator=4, denominator=4, time=0))
mid.tracks.append(conductor)
drums = mido.MidiTrack()
drums.append(mido.MetaMessage('track_name', name='Seed drums', time=0))
timeline = []
for tick, pitch, velocity in events:
    timeline.append((tick, 1, mido.Message('note_on', channel=9, note=pitch, velocity=velocity)))
    timeline.append((tick + S // 2, 0, mido.Message('note_off', channel=9, note=pitch, velocity=0)))
now = 0
for tick, _, message in sorted(timeline, key=lambda x: (x[0], x[1])):
    drums.append(message.copy(time=tick - now))
    now = tick
drums.append(mido.MetaMessage('end_of_track', time=4 * 16 * S - now))
mid.tracks.append(drums)
mid.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seed-drums.mid'))
