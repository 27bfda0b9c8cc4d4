#!/usr/bin/env python3
"""Extracts a corpus of game flavour/description text from installed Debian game data packages.

Reads the packages IN PLACE (nothing is copied into the repository) and writes one sentence per line:

    DIR/train/<package>.txt     DIR/heldout/<package>.txt
    DIR/unlike/debian-descriptions.txt   (an evaluation set unlike game text: dpkg's long Descriptions)
    DIR/sources.json            (versions, licences, files read with their sentence counts and split, totals)

Sources: wesnoth-1.16-data (unit descriptions, campaign dialogue), cataclysm-dda-data (item and monster
descriptions), nethack-common (data.base, rumors and oracles from the dlb archive nhdat, xcrypt decoded),
angband (monster, object and artifact D:/desc: lines), freeciv-data (helpdata.txt, ruleset helptext and nation
legends), fortunes (only the files of the `fortunes` package). Text of the guarded packages below (Dungeon
Crawl's above all: it is kept for independent checks) is never read: every read goes through read_bytes(),
which refuses a guarded path, also through symbolic links.

A whole source file goes to held-out when sha256("package/path-relative-to-its-data-root") read as a big-endian
unsigned integer from its first 8 bytes, mod 1000, is below 100. Held-out sentences that also occur in train are
left out of held-out (so the held-out set measures text not seen in training).

Usage: python3 scripts/extract-flavour-text.py --out DIR [--root /] [--quiet]
Standard library only. The same inputs give byte-identical outputs.
"""
import argparse
import fnmatch
import hashlib
import html
import json
import os
import re
import sys
import tempfile
import time
import unicodedata

# Never read: Dungeon Crawl's text is reserved for independent checks; the others are excluded by policy.
GUARDED_PACKAGES = ("crawl-common", "crawl", "crawl-tiles", "crawl-tiles-data", "freedroid-data", "pingus-data",
                    "openttd-openmsx", "simutrans*", "planetblupi*", "pianobooster", "dink*")
GUARDED_PATHS = ("/usr/share/crawl", "/usr/share/crawl/*", "/usr/share/games/crawl*", "/usr/games/crawl*",
                 "/usr/share/freedroid*", "/usr/share/games/freedroid*", "/usr/share/pingus*",
                 "/usr/share/games/pingus*", "/usr/share/games/openttd/baseset/openmsx*",
                 "/usr/share/openttd/baseset/openmsx*", "/usr/share/games/openttd/*openmsx*",
                 "/usr/share/simutrans*", "/usr/share/games/simutrans*", "/usr/share/planetblupi*",
                 "/usr/share/games/planetblupi*", "/usr/share/pianobooster*", "/usr/share/games/pianobooster*",
                 "/usr/share/dink*", "/usr/share/games/dink*", "/usr/share/doc/mma", "/usr/share/doc/mma/*",
                 "/usr/share/doc/crawl*", "/usr/share/doc/freedroid*", "/usr/share/doc/pingus*",
                 "/usr/share/doc/simutrans*", "/usr/share/doc/planetblupi*", "/usr/share/doc/pianobooster*",
                 "/usr/share/doc/dink*", "/usr/share/doc/openttd-openmsx*")

HELDOUT_PER_MILLE = 100
MIN_CHARS, MAX_CHARS = 3, 140
UNLIKE_SENTENCES = 500


class GuardError(Exception):
    pass


class Reader:
    """Every file the script reads goes through here: the guard, the --root prefix, the optional read log."""

    def __init__(self, root, log_path=None):
        self.root = os.path.abspath(root)
        self.log = [] if log_path else None
        self.log_path = log_path

    def sys_path(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _system_view(self, real):
        rel = os.path.relpath(real, self.root)
        return "/" + rel if not rel.startswith("..") else real

    def check(self, path):
        full = self.sys_path(path)
        for candidate in {path, self._system_view(os.path.realpath(full))}:
            for pattern in GUARDED_PATHS:
                if fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(candidate, pattern + "/*"):
                    raise GuardError(f"refusing to read guarded path {candidate}")
        return full

    def allowed(self, path):
        """False (with a warning) for a guarded path, which is then skipped."""
        try:
            self.check(path)
            return True
        except GuardError as e:
            print(f"extract-flavour-text: skipped: {e}", file=sys.stderr)
            return False

    def read_bytes(self, path):
        full = self.check(path)
        if self.log is not None:
            self.log.append(path)
        with open(full, "rb") as f:
            return f.read()

    def read_text(self, path):
        data = self.read_bytes(path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")

    def exists(self, path):
        return os.path.exists(self.sys_path(path))

    def walk(self, top, suffix):
        """Relative paths of the files under system folder `top` ending in `suffix`, sorted; guarded folders skipped."""
        found = []
        base = self.sys_path(top)
        for dirpath, dirnames, filenames in os.walk(base):
            rel_dir = os.path.relpath(dirpath, base)
            keep = []
            for d in sorted(dirnames):
                try:
                    self.check(os.path.join(top, rel_dir, d).replace("/./", "/"))
                    keep.append(d)
                except GuardError:
                    pass
            dirnames[:] = keep
            for name in filenames:
                rel = os.path.normpath(os.path.join(rel_dir, name))
                if name.endswith(suffix) and self.allowed(f"{top}/{rel}"):
                    found.append(rel)
        return sorted(found)


# ---------------------------------------------------------------- sentences

ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "vs", "etc", "e.g", "i.e", "no", "lt", "col",
                 "gen", "capt", "prof", "sgt", "cpl", "pvt", "rev", "ft", "approx", "fig", "vol", "cf", "inc", "ltd",
                 "co", "u.s", "u.k", "a.k.a"}
SPLIT = re.compile(r"([.!?…]+[\"'”’»)]*)\s+(?=[\"'“‘«(]?[A-Z0-9À-ÖØ-Þ])")
DEBRIS = re.compile(r"[{}<>\[\]$|=\\@^~]|_\(|__|^[*-] |%[0-9]*[sdifc]\b|https?://|ftp://|www\.|\b[\w.-]+\.(?:com|org|net|edu)\b")
LETTER = re.compile(r"[^\W\d_]")


def split_sentences(text):
    """One sentence per item; '\n' in `text` is a hard break, other whitespace is collapsed."""
    out = []
    for block in text.split("\n"):
        block = " ".join(block.split())
        if not block:
            continue
        start = 0
        for m in SPLIT.finditer(block):
            before = block[start:m.start(1)]
            word = before.rsplit(" ", 1)[-1].lower().lstrip("\"'“‘(")
            if m.group(1) == "." and (word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)):
                continue
            out.append(block[start:m.end(1)])
            start = m.end()
        out.append(block[start:])
    return out


def balance_quotes(s):
    """A sentence split out of a quotation keeps a lone opening or closing quote: that quote is removed. A sentence
    whose quotes still do not pair up is dropped (None)."""
    for opening, closing in (('"', '"'), ("“", "”")):
        marks = s.count(opening) + (s.count(closing) if closing != opening else 0)
        if marks == 1 and (s.startswith(opening) or s.startswith(closing)):
            s = s[1:].lstrip()
        elif marks == 1 and (s.endswith(closing) or s.endswith(opening)):
            s = s[:-1].rstrip()
        elif marks % 2 == 1 or s.count(opening) != s.count(closing):
            return None
    return s


def clean_sentences(text):
    kept = []
    for s in split_sentences(unicodedata.normalize("NFC", text)):
        s = balance_quotes(" ".join(s.split()))
        if s and MIN_CHARS <= len(s) <= MAX_CHARS and not DEBRIS.search(s) and LETTER.search(s):
            kept.append(s)
    return kept


def words(text):
    return len(text.split())


# ---------------------------------------------------------------- extractors
# Each extractor returns (data_root, [(relative path, [text blocks])]) for the files it read.

WESNOTH_ROOT = "/usr/share/games/wesnoth/1.16/data"
# Wesnoth packages that hold no campaign text of their own (the campaigns are one package each: wesnoth-1.16-httt, …).
WESNOTH_NOT_CAMPAIGNS = {"wesnoth-1.16-data", "wesnoth-1.16-core", "wesnoth-1.16-music", "wesnoth-1.16-server",
                         "wesnoth-1.16-tools", "wesnoth-1.16-dbg"}


def owned_files(reader, pkg):
    """The paths dpkg lists for pkg, or None when its list is not there (a fixture tree)."""
    path = f"/var/lib/dpkg/info/{pkg}.list"
    return set(reader.read_text(path).split("\n")) if reader.exists(path) else None


def wesnoth(reader, pkg):
    """Unit descriptions and the campaign and multiplayer text that wesnoth-1.16-data itself installs; campaigns
    from their own packages are read as those packages (wesnoth_campaign), so each is credited to its package."""
    root = WESNOTH_ROOT
    owned = owned_files(reader, pkg)
    files = []
    for top in ("core/units", "campaigns", "multiplayer"):
        files += [os.path.join(top, p) for p in reader.walk(f"{root}/{top}", ".cfg")]
    if owned is not None:
        files = [f for f in files if f"{root}/{f}" in owned]
    return root, wesnoth_text(reader, root, files)


def wesnoth_campaign(reader, pkg):
    """One official campaign package's text (its .cfg files under data/campaigns, as dpkg lists them)."""
    root = WESNOTH_ROOT
    owned = owned_files(reader, pkg) or set()
    prefix = f"{root}/campaigns/"
    files = sorted(p[len(root) + 1:] for p in owned if p.startswith(prefix) and p.endswith(".cfg") and reader.exists(p))
    return root, wesnoth_text(reader, root, files)


def wesnoth_text(reader, root, files):
    keys = ("description", "message", "female_message", "story", "reply")
    start = re.compile(r"^[ \t]*(" + "|".join(keys) + r")[ \t]*=[ \t]*", re.M)
    results = []
    for rel in sorted(files):
        text = reader.read_text(f"{root}/{rel}")
        blocks = []
        for m in start.finditer(text):
            value = parse_wml_value(text, m.end())
            if value is None:
                continue
            value = re.sub(r"^[A-Za-z_ ]{1,40}\^", "", value)  # translation context: "female^Hello"
            value = re.sub(r"<img>.*?</img>", "", value, flags=re.S)  # help markup: <img>src=...</img>
            value = re.sub(r"<(\w+)>\s*text='([^']*)'[^<]*</\1>", r"\2", value)  # <ref>text='Drakes' dst=...</ref>
            value = re.sub(r"<[^<>]*>", "", value)  # pango markup: <i>, <b>, <span ...>
            value = html.unescape(value)
            if words(value) >= 3:
                blocks.append(value)
        results.append((rel, blocks))
    return results


WML_TERM = re.compile(r'(_?[ \t]*)"((?:[^"]|"")*)"|(\{[^{}\n]*\})|(_?[ \t]*<<(.*?)>>)', re.S)


def parse_wml_value(text, pos):
    """A WML attribute value made of quoted strings ("" is a quote) joined by '+', possibly over several lines.
    A {MACRO} term is kept as '{MACRO}' so its sentence is dropped as debris. None for unquoted values."""
    parts = []
    while True:
        m = WML_TERM.match(text, pos)
        if not m:
            return "".join(parts) if parts else None
        if m.group(2) is not None:
            parts.append(m.group(2).replace('""', '"'))
        elif m.group(3) is not None:
            parts.append(m.group(3))
        else:
            parts.append(m.group(5))
        pos = m.end()
        cont = re.compile(r"[ \t]*\+[ \t]*(?:#[^\n]*)?\n?[ \t]*").match(text, pos)
        if not cont or cont.end() == pos:
            return "".join(parts)
        pos = cont.end()


CATACLYSM_TYPES = {"GENERIC", "ARMOR", "COMESTIBLE", "TOOL", "BOOK", "AMMO", "GUN", "MAGAZINE", "TOOL_ARMOR", "GUNMOD",
                   "BIONIC_ITEM", "WHEEL", "ENGINE", "PET_ARMOR", "TOOLMOD", "BATTERY", "CONTAINER", "MONSTER"}


def cataclysm(reader, pkg):
    root = "/usr/share/games/cataclysm-dda/json"
    results = []
    for rel in reader.walk(root, ".json"):
        if "obsolet" in rel or "test" in os.path.basename(rel):
            continue  # obsolete and test definitions are not in the game
        try:
            data = json.loads(reader.read_text(f"{root}/{rel}"))
        except ValueError:
            results.append((rel, []))
            continue
        blocks = []
        for obj in data if isinstance(data, list) else [data]:
            if not isinstance(obj, dict) or obj.get("type") not in CATACLYSM_TYPES:
                continue
            d = obj.get("description")
            if "PSEUDO" in obj.get("flags", []) or "pseudo" in str(obj.get("id", "")) or "pseudo" in str(d).lower():
                continue  # pseudo items stand for abilities and tools, they are not found in the game
            if isinstance(d, dict):
                d = d.get("str", d.get("str_sp"))
            if isinstance(d, str) and words(d) >= 3:
                blocks.append(re.sub(r"<(/?color[^>]*|/color)>", "", d))  # <color_x>..</color>; others: debris
        results.append((rel, blocks))
    return root, results


def xcrypt(line):
    """NetHack's hacklib xcrypt: letters-range characters xored with a bitmask cycling 1,2,4,8,16."""
    out, bit = [], 1
    for ch in line:
        c = ord(ch)
        if c & (32 | 64):
            c ^= bit
        out.append(chr(c))
        bit <<= 1
        if bit >= 32:
            bit = 1
    return "".join(out)


def dlb_members(data):
    """The members of a NetHack dlb archive: {name: bytes}. Header: version, count, string size, then per member
    'n<name> <offset>' lines (offsets from the archive's start); a member runs to the next member's offset."""
    header, _, _ = data.partition(b"\n")
    fields = header.split()
    count = int(fields[1])
    lines = data.split(b"\n")[1:count + 1]
    entries = []
    for line in lines:
        name, offset = line[1:].rsplit(b" ", 1)
        entries.append((name.strip().decode("ascii"), int(offset)))
    members = {}
    for i, (name, offset) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < len(entries) else len(data)
        members[name] = data[offset:end]
    return members


def nethack_database(text):
    """data.base as makedefs writes it: index (keys, 'offset,lines') up to the text start, then entries."""
    lines = text.split("\n")
    text_start = int(lines[1], 16)
    body = text[text_start:] if text_start < len(text) else ""
    spans = sorted({tuple(map(int, l.split(","))) for l in text[:text_start].split("\n") if re.fullmatch(r"\d+,\d+", l)})
    blocks = []
    for offset, count in spans:
        entry = body[offset:].split("\n")[:count]
        paragraph, paragraphs = [], []
        for line in entry:
            if re.fullmatch(r"\s*\[.*\]\s*", line) or not line.strip():  # attribution "[ The Hobbit, by ... ]"
                if paragraph:
                    paragraphs.append(" ".join(paragraph))
                paragraph = []
            else:
                paragraph.append(line.strip())
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        blocks.append("\n".join(paragraphs))
    return blocks


def nethack(reader, pkg):
    root = "/usr/lib/games/nethack"
    members = dlb_members(reader.read_bytes(f"{root}/nhdat"))
    results = []
    if "data" in members:
        results.append(("nhdat/data", nethack_database(members["data"].decode("latin-1"))))
    for name in ("oracles", "rumors"):
        if name not in members:
            continue
        lines = [l for l in members[name].decode("latin-1").split("\n") if not l.startswith("#")]
        if name == "rumors":  # first line is the index; each rumor is xcrypt'ed and padded with '_' to a fixed length
            blocks = [xcrypt(l).rstrip("_") for l in lines[1:]]
        else:  # a header (count, offsets), then passages separated by plain '---' lines, each line xcrypt'ed
            sections, current = [], []
            for l in lines:
                if l == "---":
                    sections.append(current)
                    current = []
                else:
                    current.append(xcrypt(l))
            sections.append(current)
            blocks = ["\n".join(" ".join(par.split()) for par in "\n".join(sec).split("\n\n")) for sec in sections[1:]]
        results.append((f"nhdat/{name}", blocks))
    return root, results


def angband(reader, pkg):
    for root in ("/usr/share/angband/gamedata", "/etc/angband/gamedata", "/etc/angband/edit"):
        if reader.exists(f"{root}/monster.txt"):
            break
    else:
        return None, []
    results = []
    for rel in ("artifact.txt", "monster.txt", "object.txt"):
        if not reader.exists(f"{root}/{rel}"):
            continue
        blocks, current = [], None
        for line in reader.read_text(f"{root}/{rel}").split("\n"):
            if line.startswith(("N:", "name:")):
                if current:
                    blocks.append(current)
                current = ""
            elif line.startswith(("D:", "desc:")) and current is not None:
                current += line.split(":", 1)[1]  # the game joins D: lines as they are
        if current:
            blocks.append(current)
        results.append((rel, blocks))
    return root, results


FREECIV_KEY = re.compile(r"^[ \t]*(helptext|text|legend)[ \t]*=[ \t]*", re.M)
FREECIV_STRING = re.compile(r'[ \t]*(?:_\(\s*)?"((?:[^"\\]|\\.)*)"\s*\)?', re.S)


def freeciv_strings(text):
    blocks = []
    for m in FREECIV_KEY.finditer(text):
        pos = m.end()
        while True:
            s = FREECIV_STRING.match(text, pos)
            if not s:
                break
            value = re.sub(r"\\(\n|.)", lambda e: {"\n": "", "n": "\n"}.get(e.group(1), e.group(1)), s.group(1))
            value = re.sub(r"^\?[^:\s]+:", "", value)  # "?help:Overview" qualifiers
            blocks.append(value)
            comma = re.compile(r"[ \t]*,[ \t]*\n?").match(text, s.end())
            if not comma:
                break
            pos = comma.end()
    return blocks


def freeciv(reader, pkg):
    root = "/usr/share/games/freeciv"
    results = []
    if reader.exists(f"{root}/helpdata.txt"):
        results.append(("helpdata.txt", freeciv_strings(reader.read_text(f"{root}/helpdata.txt"))))
    for rel in reader.walk(root, ".ruleset"):
        results.append((rel, freeciv_strings(reader.read_text(f"{root}/{rel}"))))
    results.sort()
    return root, results


def fortunes(reader, pkg, status):
    root = "/usr/share/games/fortunes"
    listed = reader.read_text(f"/var/lib/dpkg/info/{pkg}.list").split("\n")
    names = sorted({os.path.basename(p) for p in listed if os.path.dirname(p) == root and not p.endswith((".dat", ".u8"))})
    names = [n for n in names if n != "ascii-art"]  # pictures, not prose
    results = []
    for name in names:
        rel = name + ".u8" if f"{root}/{name}.u8" in listed else name
        if not reader.exists(f"{root}/{rel}") or not reader.allowed(f"{root}/{rel}"):
            continue
        blocks = []
        for entry in re.split(r"\n%\n", "\n" + reader.read_text(f"{root}/{rel}").replace("\r\n", "\n") + "\n"):
            lines = [l for l in entry.split("\n") if not re.match(r"\s*(--|—)\s*\S", l)]  # attributions
            blocks.append(" ".join(l.strip() for l in lines if l.strip()))
        results.append((name, blocks))
    return root, results


SOURCES = [("wesnoth-1.16-data", wesnoth), ("cataclysm-dda-data", cataclysm), ("nethack-common", nethack),
           ("angband", angband), ("freeciv-data", freeciv), ("fortunes", fortunes)]


# ---------------------------------------------------------------- package metadata

def dpkg_status(reader):
    """{package: {field: value}} for installed packages, from <root>/var/lib/dpkg/status (what dpkg-query reads)."""
    if not reader.exists("/var/lib/dpkg/status"):
        return {}
    packages = {}
    for stanza in reader.read_text("/var/lib/dpkg/status").split("\n\n"):
        fields, key = {}, None
        for line in stanza.split("\n"):
            if line.startswith((" ", "\t")) and key:
                fields[key] += "\n" + line
            elif ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if "Package" in fields and fields.get("Status", "").endswith(" installed"):
            packages[fields["Package"]] = fields
    return packages


LICENCE_MENTIONS = [("GPL-2+", r"GNU General Public License.{0,80}version 2.{0,40}or.{0,20}later"),
                    ("GPL", r"GNU General Public License|\bGPL\b"), ("BSD", r"\bBSD\b"),
                    ("CC-BY-SA", r"Creative Commons Attribution[- ]Share ?Alike"), ("public-domain", r"public domain")]


def licences(reader, pkg):
    path = f"/usr/share/doc/{pkg}/copyright"
    if not reader.exists(path):
        return {"licenses": [], "note": f"{path} not found"}
    text = reader.read_text(path)
    names = sorted({m.strip() for m in re.findall(r"(?m)^License:[ \t]*(.*)$", text) if m.strip()})
    if names:
        return {"licenses": names}
    mentions = [name for name, pattern in LICENCE_MENTIONS if re.search(pattern, text, re.I | re.S)]
    return {"licenses": [], "note": f"{path} has no License: field names (not machine-readable); it mentions: "
                                    + (", ".join(mentions) or "no known licence")}


def heldout(pkg, rel):
    digest = hashlib.sha256(f"{pkg}/{rel}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 1000 < HELDOUT_PER_MILLE


def unlike_set(status):
    """~500 sentences from the long Descriptions of installed packages: packages taken in sha256(name) order, at
    most 3 sentences each, until 500; written sorted by package name."""
    per_package = {}
    for name, fields in status.items():
        if any(fnmatch.fnmatch(name, g) for g in GUARDED_PACKAGES):
            continue
        long = fields.get("Description", "").split("\n")[1:]
        paragraphs, current = [], []
        for line in long:
            body = line[1:] if line.startswith(" ") else line
            if body.strip() == "." or body.startswith((" ", "\t")) or re.match(r"\s*[*+o-]\s", body):
                if current:
                    paragraphs.append(" ".join(current))
                current = []
                if not re.match(r"\s*[*+o-]\s", body):
                    continue
                body = re.sub(r"^\s*[*+o-]\s+", "", body)
                paragraphs.append(body)
                continue
            current.append(body.strip())
        if current:
            paragraphs.append(" ".join(current))
        sentences = [s for s in clean_sentences("\n".join(paragraphs)) if words(s) >= 3]
        if sentences:
            per_package[name] = sentences[:3]
    chosen, seen = {}, set()
    for name in sorted(per_package, key=lambda n: hashlib.sha256(n.encode("utf-8")).digest()):
        take = [s for s in dict.fromkeys(per_package[name]) if s not in seen][:UNLIKE_SENTENCES - len(seen)]
        if take:
            chosen[name] = take
            seen.update(take)
        if len(seen) >= UNLIKE_SENTENCES:
            break
    return [s for name in sorted(chosen) for s in chosen[name]], sorted(chosen)


# ---------------------------------------------------------------- output

def write_atomic(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def lines_bytes(lines):
    return "".join(l + "\n" for l in lines).encode("utf-8")


def repo_root():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(here)
    return top if os.path.exists(os.path.join(top, "VaeCreative.sln")) else None


def fail(message):
    print(f"extract-flavour-text: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="output folder (outside the repository)")
    parser.add_argument("--root", default="/", help="prefix of every system path (tests use a fixture tree)")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--read-log", help=argparse.SUPPRESS)  # tests: every path read, one a line
    args = parser.parse_args(argv)
    if not args.out:
        fail("--out DIR is required (a folder outside the repository)")
    out = os.path.realpath(args.out)
    repo = repo_root()
    if repo and (out == os.path.realpath(repo) or out.startswith(os.path.realpath(repo) + os.sep)):
        fail(f"--out {args.out} is inside the repository {repo}; write the corpus elsewhere")
    reader = Reader(args.root, args.read_log)
    started = time.monotonic()
    status = dpkg_status(reader)
    installed = [(pkg, fn) for pkg, fn in SOURCES if pkg in status]
    # Wesnoth's official campaigns, one package each, after wesnoth-1.16-data.
    campaigns = [(p, wesnoth_campaign) for p in sorted(status)
                 if re.fullmatch(r"wesnoth-1\.16-[a-z]+", p) and p not in WESNOTH_NOT_CAMPAIGNS]
    at = next((i + 1 for i, (p, _) in enumerate(installed) if p == "wesnoth-1.16-data"), 0)
    installed[at:at] = campaigns
    skipped = [pkg for pkg, _ in SOURCES if pkg not in status]
    if not installed:
        fail("none of the source packages is installed: " + ", ".join(pkg for pkg, _ in SOURCES)
             + " (scripts/setup.sh --text-corpus installs them)")

    seen = {"train": set(), "heldout": set()}
    outputs, report = {}, {"packages": {}, "skipped": skipped}
    heldout_candidates = []
    for pkg, extractor in installed:
        root, files = extractor(reader, pkg, status) if extractor is fortunes else extractor(reader, pkg)
        entry = {"version": status[pkg].get("Version", ""), **licences(reader, pkg), "data_root": root, "files": []}
        lines = {"train": [], "heldout": []}
        for rel, blocks in files:
            split = "heldout" if heldout(pkg, rel) else "train"
            sentences = [s for b in blocks for s in clean_sentences(b)]
            record = {"path": rel, "split": split, "sentences": 0}
            entry["files"].append(record)
            if split == "train":
                for s in sentences:
                    if s not in seen["train"]:
                        seen["train"].add(s)
                        lines["train"].append(s)
                        record["sentences"] += 1
            else:
                heldout_candidates.append((pkg, record, sentences))
        outputs[pkg] = lines
        report["packages"][pkg] = entry
    dropped_overlap = 0
    for pkg, record, sentences in heldout_candidates:  # after all train: held-out keeps only unseen sentences
        for s in sentences:
            if s in seen["train"]:
                dropped_overlap += 1
            elif s not in seen["heldout"]:
                seen["heldout"].add(s)
                outputs[pkg]["heldout"].append(s)
                record["sentences"] += 1

    totals = {"train": 0, "heldout": 0, "files": 0}
    for pkg, lines in outputs.items():
        entry = report["packages"][pkg]
        entry["totals"] = {"train": len(lines["train"]), "heldout": len(lines["heldout"]), "files": len(entry["files"]),
                           "heldout_files": sum(1 for f in entry["files"] if f["split"] == "heldout")}
        for split in ("train", "heldout"):
            totals[split] += len(lines[split])
            write_atomic(os.path.join(out, split, f"{pkg}.txt"), lines_bytes(lines[split]))
        totals["files"] += len(entry["files"])
    unlike, unlike_packages = unlike_set(status)
    write_atomic(os.path.join(out, "unlike", "debian-descriptions.txt"), lines_bytes(unlike))
    report["unlike"] = {"path": "unlike/debian-descriptions.txt", "sentences": len(unlike), "source": "/var/lib/dpkg/status",
                        "packages": unlike_packages}
    totals["heldout_dropped_as_in_train"] = dropped_overlap
    report["totals"] = totals
    report["rules"] = {"sentence_chars": [MIN_CHARS, MAX_CHARS], "heldout": "sha256('package/relative path')[:8] big-endian"
                       f" mod 1000 < {HELDOUT_PER_MILLE}", "guarded_packages": list(GUARDED_PACKAGES),
                       "guarded_paths": list(GUARDED_PATHS)}
    write_atomic(os.path.join(out, "sources.json"),
                 (json.dumps(report, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    if args.read_log:
        write_atomic(os.path.abspath(args.read_log), lines_bytes(reader.log))

    if not args.quiet:
        for pkg in skipped:
            print(f"{pkg:20} skipped (not installed)")
        for pkg, lines in outputs.items():
            t = report["packages"][pkg]["totals"]
            print(f"{pkg:20} train {t['train']:7d}  held-out {t['heldout']:6d}  files {t['files']:5d} ({t['heldout_files']} held out)")
        print(f"{'total':20} train {totals['train']:7d}  held-out {totals['heldout']:6d}  files {totals['files']:5d}"
              f"  (held-out sentences also in train, left out: {dropped_overlap})")
        print(f"unlike/debian-descriptions.txt: {len(unlike)} sentences from {len(unlike_packages)} packages")
        print(f"wrote {out} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except GuardError as e:
        fail(str(e))
