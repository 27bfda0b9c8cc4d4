#!/usr/bin/env python3
"""Extracts a corpus of small game sprites, tiles and icons from installed Debian game data packages.

Reads the packages IN PLACE (nothing is copied into the repository) and writes one RGBA PNG per sprite:

    DIR/train/<package>/<source-file-stem>-<n>.png    DIR/heldout/<package>/…
    DIR/sources.json   (versions, licences from each package's copyright file, files read with their sprite counts
                        and split, totals)

Sources (each skipped with a note when its package is not installed):
- crawl-tiles-data: Dungeon Crawl's tile sheets (main, player, feat, gui, icons), whose packer leaves no grid: each
  connected shape of visible pixels is a sprite; floor's textures are cut into 32 × 32 cells;
- cataclysm-dda-data: every tileset's sheets, cut by its tile_config.json (sprite_width/height, else the tileset's
  tile size); the ASCII tileset and fallback glyph sheets are left out (letters, not sprites);
- flare-game, hedgewars-data, supertux-data, wesnoth-1.16-data: sprite files (units, items, icons, creatures, objects,
  powerups, tiles, hats, graves) whose sides are at most --max-side, whole;
- fonts-noto-color-emoji: the colour emoji bitmaps of NotoColorEmoji.ttf (its CBDT table, read with fontTools),
  shrunk to fit --max-side with area filtering (they are drawn, shaded pictures, not pixel art).
openttd-opengfx's sprites are in GRF files, which this script does not read (listed as skipped).

Cells and sprites that are fully clear, one flat colour, or exact repeats of one already kept (RGBA bytes) are left
out. A whole source file goes to held-out when sha256("package/path") read as a big-endian unsigned integer from its
first 8 bytes, mod 1000, is below 100, so no sheet is split across train and held-out.

Never read: the packages kept for independent checks (freedroid-data, pingus-data, …): every read goes through
Reader.read_bytes(), which refuses a guarded path, also through symbolic links.

Usage: python3 scripts/extract-sprites.py --out DIR [--root /] [--max-side 72] [--quiet]
Needs python3-pil (and python3-fonttools for the emoji). The same inputs give byte-identical outputs.
"""
import argparse
import fnmatch
import hashlib
import io
import json
import os
import re
import sys

from PIL import Image

GUARDED_PATHS = ("/usr/share/freedroid*", "/usr/share/games/freedroid*", "/usr/share/pingus*", "/usr/share/games/pingus*",
                 "/usr/share/simutrans*", "/usr/share/games/simutrans*", "/usr/share/planetblupi*",
                 "/usr/share/games/planetblupi*", "/usr/share/dink*", "/usr/share/games/dink*",
                 "/usr/share/pianobooster*", "/usr/share/games/pianobooster*", "/usr/share/games/openttd/baseset/openmsx*")
HELDOUT_PER_MILLE = 100
CRAWL_SHEETS = ("main", "player", "feat", "floor", "gui", "icons")
SPRITE_FOLDERS = {
    "wesnoth-1.16-data": ["/usr/share/games/wesnoth/1.16/data/core/images/units", "/usr/share/games/wesnoth/1.16/data/core/images/items",
                          "/usr/share/games/wesnoth/1.16/data/core/images/icons"],
    "supertux-data": [f"/usr/share/games/supertux2/images/{d}" for d in ("creatures", "objects", "powerups", "tiles")],
    "hedgewars-data": [f"/usr/share/games/hedgewars/Data/Graphics/{d}" for d in ("Hats", "Graves", "Flags", "AmmoMenu")],
    "flare-game": ["/usr/share/games/flare/mods"],
}
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"


class GuardError(Exception):
    pass


class Reader:
    """Every file the script reads goes through here: the guard and the --root prefix."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    def sys_path(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def check(self, path):
        real = os.path.realpath(self.sys_path(path))
        view = "/" + os.path.relpath(real, os.path.realpath(self.root)) if self.root != "/" else real
        for p in (path, view):
            if any(fnmatch.fnmatch(p, g) or p.startswith(g.rstrip("*")) and g.endswith("*") for g in GUARDED_PATHS):
                raise GuardError(f"refusing to read guarded path {p}")

    def read_bytes(self, path):
        self.check(path)
        with open(self.sys_path(path), "rb") as f:
            return f.read()

    def exists(self, path):
        return os.path.exists(self.sys_path(path))

    def files(self, top, suffix):
        """Files under top ending in suffix, sorted, as system paths (guarded ones left out)."""
        out = []
        base = self.sys_path(top)
        for dirpath, dirs, names in os.walk(base):
            dirs.sort()
            for n in sorted(names):
                if n.lower().endswith(suffix):
                    path = "/" + os.path.relpath(os.path.join(dirpath, n), self.root) if self.root != "/" else os.path.join(dirpath, n)
                    try:
                        self.check(path)
                    except GuardError:
                        continue
                    out.append(path)
        return out


def package_versions(reader):
    versions, package = {}, None
    if not reader.exists("/var/lib/dpkg/status"):
        return versions
    for line in reader.read_bytes("/var/lib/dpkg/status").decode("utf-8", "replace").splitlines():
        if line.startswith("Package: "):
            package = line[9:].strip()
        elif line.startswith("Version: ") and package:
            versions[package] = line[9:].strip()
    return versions


def licences(reader, package):
    """The licences a package's copyright file names: DEP-5 License fields, else the common-licenses it points to and
    the licences it names in prose (marked so)."""
    path = f"/usr/share/doc/{package}/copyright"
    if not reader.exists(path):
        return []
    text = reader.read_bytes(path).decode("utf-8", "replace")
    fields = sorted({m.strip() for m in re.findall(r"^License:[ \t]*([^\n]+)$", text, re.M)
                     if len(m.strip()) <= 60 and "copyright" not in m.lower()})
    if fields:
        return fields
    named = {n.rstrip(".") for n in re.findall(r"/usr/share/common-licenses/([A-Za-z0-9.+-]+)", text)}
    for pattern, name in ((r"\bCC0\b", "CC0"), (r"[Pp]ublic [Dd]omain", "public domain"), (r"CC[- ]BY[- ]SA", "CC-BY-SA")):
        if re.search(pattern, text):
            named.add(name)
    return [f"named in prose: {', '.join(sorted(named))}"] if named else []


def heldout(package, path):
    digest = hashlib.sha256(f"{package}/{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 1000 < HELDOUT_PER_MILLE


def usable(image):
    """Whether an RGBA image has visible pixels of more than one colour."""
    alpha = image.getchannel("A")
    if alpha.getextrema()[1] == 0:
        return False
    return len(image.getcolors(2) or [None, None]) > 1


def cells(image, width, height):
    for top in range(0, image.height - height + 1, height):
        for left in range(0, image.width - width + 1, width):
            yield image.crop((left, top, left + width, top + height))


def open_rgba(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGBA")


def components(image, max_side, min_side=6):
    """The sprites of a packed sheet without a grid: each 8-connected group of visible pixels (alpha ≥ 16), cropped to
    its bounding box; groups smaller than min_side or larger than max_side on a side are left out."""
    width, height = image.size
    alpha = image.getchannel("A").tobytes()
    label = bytearray(width * height)  # 1: visited
    found = []
    for start in range(width * height):
        if label[start] or alpha[start] < 16:
            continue
        label[start] = 1
        stack = [start]
        left, top, right, bottom = width, height, -1, -1
        while stack:
            p = stack.pop()
            y, x = divmod(p, width)
            left, right, top, bottom = min(left, x), max(right, x), min(top, y), max(bottom, y)
            for dy in (-1, 0, 1):
                ny = y + dy
                if ny < 0 or ny >= height:
                    continue
                for dx in (-1, 0, 1):
                    nx = x + dx
                    if 0 <= nx < width:
                        q = ny * width + nx
                        if not label[q] and alpha[q] >= 16:
                            label[q] = 1
                            stack.append(q)
        w, h = right - left + 1, bottom - top + 1
        if min_side <= max(w, h) and w <= max_side and h <= max_side:
            found.append((top, left, image.crop((left, top, right + 1, bottom + 1))))
    return [c for _, _, c in sorted(found, key=lambda f: (f[0], f[1]))]


def crawl(reader, package, max_side):
    # The sheets are packed by Crawl's tile packer with tiles of several sizes: no grid holds them (a 32-pixel grid
    # cuts most sprites in two), so sprites are found as connected shapes; the floor sheet is a grid of textures.
    for name in CRAWL_SHEETS:
        path = f"/usr/share/crawl/dat/tiles/{name}.png"
        if reader.exists(path):
            sheet = open_rgba(reader.read_bytes(path))
            yield path, list(cells(sheet, 32, 32)) if name == "floor" else components(sheet, max_side)


def cataclysm(reader, package, max_side):
    root = "/usr/share/games/cataclysm-dda/gfx"
    for config_path in reader.files(root, "tile_config.json"):
        tileset = os.path.basename(os.path.dirname(config_path))
        if tileset == "ASCIITileset":
            continue
        config = json.loads(reader.read_bytes(config_path))
        info = (config.get("tile_info") or [{}])[0]
        for sheet in config.get("tiles-new", []):
            name = sheet.get("file", "")
            if not name or name.startswith("fallback"):
                continue
            width = sheet.get("sprite_width", info.get("width", 32))
            height = sheet.get("sprite_height", info.get("height", 32))
            path = f"{os.path.dirname(config_path)}/{name}"
            if width > max_side or height > max_side or not reader.exists(path):
                continue
            yield path, list(cells(open_rgba(reader.read_bytes(path)), width, height))


def folders(reader, package, max_side):
    for top in SPRITE_FOLDERS[package]:
        for path in reader.files(top, ".png"):
            # flare: only its item and power icons (sheets of 32 × 32), not its portraits, backgrounds and menus.
            if package == "flare-game":
                if "/images/icons/" not in path:
                    continue
                sheet = open_rgba(reader.read_bytes(path))
                yield path, list(cells(sheet, 32, 32))
                continue
            image = open_rgba(reader.read_bytes(path))
            yield path, [image] if image.width <= max_side and image.height <= max_side else []


def emoji(reader, package, max_side):
    if not reader.exists(EMOJI_FONT):
        return
    from fontTools.ttLib import TTFont
    font = TTFont(io.BytesIO(reader.read_bytes(EMOJI_FONT)))
    if "CBDT" not in font:
        return
    for strike in font["CBDT"].strikeData:
        for name in sorted(strike):
            glyph = strike[name]
            data = getattr(glyph, "imageData", None)
            if not data:
                continue
            image = open_rgba(data)
            scale = max_side / max(image.width, image.height)
            if scale < 1:
                image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BOX)
            # Each glyph is a source of its own: one file holds them all, and the split is by source.
            yield f"{EMOJI_FONT}#{name}", [image]
        break  # the first strike holds every glyph; others repeat them at other sizes


SOURCES = [
    ("crawl-tiles-data", crawl),
    ("cataclysm-dda-data", cataclysm),
    ("flare-game", folders),
    ("hedgewars-data", folders),
    ("supertux-data", folders),
    ("wesnoth-1.16-data", folders),
    ("fonts-noto-color-emoji", emoji),
]


def png_bytes(image):
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--root", default="/")
    parser.add_argument("--max-side", type=int, default=72)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if not 8 <= args.max_side <= 256:
        sys.exit("extract-sprites: --max-side must be 8-256")
    reader = Reader(args.root)
    versions = package_versions(reader)
    out = os.path.abspath(args.out)
    if os.path.exists(os.path.join(out, "sources.json")) or any(os.path.exists(os.path.join(out, d)) for d in ("train", "heldout")):
        sys.exit(f"extract-sprites: {out} already holds a corpus; remove it or choose another --out")
    seen = set()
    record = {"max_side": args.max_side, "heldout_per_mille": HELDOUT_PER_MILLE, "packages": {},
              "skipped": {"openttd-opengfx": "sprites in GRF files, not read"}}
    totals = {"files": 0, "train": 0, "heldout": 0}
    for package, source in SOURCES:
        if package not in versions:
            record["skipped"][package] = "not installed"
            continue
        entry = {"version": versions[package], "licenses": licences(reader, package), "files": [], "totals": {"files": 0, "train": 0, "heldout": 0}}
        for path, images in source(reader, package, args.max_side):
            split = "heldout" if heldout(package, path) else "train"
            stem = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.splitext(os.path.basename(path))[0])[:60]
            # Different folders hold files of one name (units/elves/archer.png, units/humans/archer.png): keep them apart.
            tag = hashlib.sha256(path.encode()).hexdigest()[:6]
            kept = 0
            for image in images:
                if image.width > args.max_side or image.height > args.max_side or not usable(image):
                    continue
                key = hashlib.sha256(f"{image.width}x{image.height}".encode() + image.tobytes()).digest()
                if key in seen:
                    continue
                seen.add(key)
                folder = os.path.join(out, split, package)
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, f"{stem}-{tag}-{kept:04d}.png"), "wb") as f:
                    f.write(png_bytes(image))
                kept += 1
            entry["files"].append({"path": path, "split": split, "sprites": kept})
            entry["totals"]["files"] += 1
            entry["totals"][split] += kept
            if not args.quiet:
                print(f"extract-sprites: {package}: {path}: {kept} sprites ({split})", file=sys.stderr)
        record["packages"][package] = entry
        for k in totals:
            totals[k] += entry["totals"][k]
    record["totals"] = totals
    os.makedirs(out, exist_ok=True)
    temp = os.path.join(out, ".sources.json.tmp")
    with open(temp, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(temp, os.path.join(out, "sources.json"))
    if not args.quiet:
        print(f"extract-sprites: {totals['train']:,} train and {totals['heldout']:,} held-out sprites from {totals['files']:,} files", file=sys.stderr)


if __name__ == "__main__":
    main()
