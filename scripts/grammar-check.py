#!/usr/bin/env python3
"""Grammaticality of lines by CMU's link grammar parser (Debian's python3-link-grammar and
link-grammar-dictionaries-en, which scripts/setup.sh --text-corpus installs): an independent check, with no language
model of ours in it, of whether generated lines read as English.

Usage: grammar-check.py LINES_FILE [LINES_FILE ...]   (prints JSON, one object per file)

For each line the parser finds the fewest words it must skip to link the rest into one English parse (its null
count; 0 means the whole line parses). Reported: the share of lines that parse whole, and the share of words skipped.
The parser guesses a part of speech for words it does not know (names, other scripts), so it checks how words are
strung together, not whether they are English words: a line in Greek can parse whole.
Game text holds fragments ("A bronze ring with a ruby.") that the parser does not take as sentences, so compare a
model's lines with real held-out lines scored the same way, not with 100%.
"""
import json
import os
import sys

os.environ.setdefault("LANG", "C.UTF-8")
import linkgrammar as lg  # noqa: E402

MAX_NULLS = 8  # a line that needs more skipped words than this counts as skipping all of them beyond it too


def main(paths):
    if not paths:
        sys.exit(__doc__)
    dictionary = lg.Dictionary("en")
    options = lg.ParseOptions(min_null_count=0, max_null_count=MAX_NULLS, max_parse_time=3, linkage_limit=1, verbosity=0)
    for path in paths:
        try:
            with open(path, encoding="utf-8") as h:
                lines = [l.strip() for l in h if l.strip()]
        except (OSError, UnicodeDecodeError) as e:
            sys.exit(f"grammar-check: cannot read {path} as UTF-8 text: {e}")
        whole = skipped = words = 0
        for line in lines:
            sentence = lg.Sentence(line, dictionary, options)
            try:
                linkage = next(iter(sentence.parse()), None)
            except lg.LG_TimerExhausted:
                linkage = None
            if linkage is None:  # no parse within the limits: every word counts as skipped
                n, nulls = max(len(line.split()), 1), max(len(line.split()), 1)
            else:
                n = max(linkage.num_of_words() - 2, 1)  # without the two walls
                nulls = min(sentence.null_count(), n)
            whole += nulls == 0
            skipped += nulls
            words += n
        print(json.dumps({"file": path, "lines": len(lines), "parse_whole": round(whole / max(len(lines), 1), 4),
                          "words_skipped": round(skipped / max(words, 1), 4)}))


if __name__ == "__main__":
    main(sys.argv[1:])
