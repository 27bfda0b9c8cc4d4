#!/usr/bin/env python3
"""How many of a text file's word bigrams occur in a reference corpus: a fluency check for generated lines that needs
no language model. Word salad ("we don the it") puts words side by side that no writer did; real lines mostly reuse
pairs a large corpus has seen. Compare generated lines with held-out real lines scored the same way.

Usage: bigram-attestation.py REFERENCE_DIR_OR_FILE LINES_FILE [LINES_FILE ...]   (prints JSON, one object per file)

Words are runs of letters (and inner apostrophes), lower-cased; a line's bigrams include its start and end, so a line
that opens or stops mid-phrase counts against it. A line reads as attested when every one of its bigrams is.
"""
import json
import os
import re
import sys

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def words(line):
    return [w.lower().replace("’", "'") for w in WORD.findall(line)]


def bigrams(line):
    ws = ["<s>"] + words(line) + ["</s>"]
    return list(zip(ws, ws[1:]))


def reference_files(path):
    if os.path.isfile(path):
        return [path]
    return sorted(os.path.join(root, f) for root, _, files in os.walk(path) for f in files if f.endswith(".txt"))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    seen = set()
    for f in reference_files(argv[1]):
        with open(f, encoding="utf-8") as h:
            for line in h:
                seen.update(bigrams(line))
    for path in argv[2:]:
        with open(path, encoding="utf-8") as h:
            lines = [l.strip() for l in h if l.strip()]
        total = attested = whole = 0
        for line in lines:
            pairs = bigrams(line)
            hits = sum(p in seen for p in pairs)
            total += len(pairs)
            attested += hits
            whole += hits == len(pairs)
        print(json.dumps({"file": path, "lines": len(lines), "bigrams": total,
                          "bigram_attestation": round(attested / max(total, 1), 4),
                          "lines_fully_attested": round(whole / max(len(lines), 1), 4)}))


if __name__ == "__main__":
    main(sys.argv)
