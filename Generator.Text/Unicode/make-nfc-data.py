#!/usr/bin/env python3
"""Writes nfc-data.txt, the tables of CanonicalComposition (NFC for strings under .NET's invariant globalization,
where string.Normalize does nothing) from Python's unicodedata:

  v VERSION                 the Unicode version of the tables
  c FIRST LAST CLASS        canonical combining class of the code points FIRST..LAST (hex), when not 0
  d CP X Y ...              full canonical decomposition of CP (NFD of the one character), Hangul syllables excepted
  p CP A B                  CP is a primary composite: NFC composes A B (its canonical decomposition mapping) into it

Run: python3 Generator.Text/Unicode/make-nfc-data.py > Generator.Text/Unicode/nfc-data.txt
Unicode's stability policy keeps the normalisation of assigned characters the same in later versions, so newer
tables only add characters.
"""
import sys
import unicodedata as u

out = [f"v {u.unidata_version}"]
run = None
for cp in range(0x110000 + 1):
    cls = u.combining(chr(cp)) if cp < 0x110000 else 0
    if run and (cls != run[2] or cp != run[1] + 1):
        out.append(f"c {run[0]:X} {run[1]:X} {run[2]}")
        run = None
    if cls:
        run = [run[0], cp, cls] if run else [cp, cp, cls]
for cp in range(0x110000):
    if 0xD800 <= cp < 0xE000 or 0xAC00 <= cp < 0xAC00 + 11172:
        continue
    ch = chr(cp)
    d = u.normalize("NFD", ch)
    if d != ch:
        out.append("d " + f"{cp:X} " + " ".join(f"{ord(x):X}" for x in d))
        raw = u.decomposition(ch)
        if raw and not raw.startswith("<") and len(raw.split()) == 2 and u.normalize("NFC", ch) == ch:
            out.append(f"p {cp:X} " + " ".join(raw.split()))
sys.stdout.write("\n".join(out) + "\n")
