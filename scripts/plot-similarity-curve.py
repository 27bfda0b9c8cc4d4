#!/usr/bin/python3
"""Draws chrF-to-seed against the similarity setting from `eval --variations --curve … --json` outputs (one line per
file, labelled by its neighbourhood), as a PNG, with Pillow only.

    python3 scripts/plot-similarity-curve.py OUT.png EVAL.json [EVAL.json …]
"""
import json
import sys

from PIL import Image, ImageDraw, ImageFont

W, H = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 40, 60
COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189)]


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, inputs = argv[0], argv[1:]
    series = []
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            run = json.load(f)
        points = sorted((c["similarity"], c["chrf_to_seed"]) for c in run["curve"])
        if not points:
            print(f"{path} has no curve (run eval --variations with --curve)", file=sys.stderr)
            return 2
        label = f"{run['neighbourhood']} neighbourhood (temperature {run['temperature']})"
        series.append((label, points, run.get("variation_chrf_to_unrelated")))
    image = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()

    def x(s):
        return LEFT + s * (W - LEFT - RIGHT)

    def y(c):
        return H - BOTTOM - c * (H - TOP - BOTTOM)

    for k in range(11):
        v = k / 10
        draw.line([(x(0), y(v)), (x(1), y(v))], fill=(230, 230, 230))
        draw.text((LEFT - 30, y(v) - 6), f"{v:.1f}", fill="black", font=font)
        draw.line([(x(v), y(0)), (x(v), y(1))], fill=(240, 240, 240))
        draw.text((x(v) - 8, H - BOTTOM + 8), f"{v:.1f}", fill="black", font=font)
    draw.rectangle([x(0), y(1), x(1), y(0)], outline="black")
    draw.text((W / 2 - 40, H - 30), "similarity setting", fill="black", font=font)
    draw.text((10, 12), "chrF of a variation to its own seed (held-out lines)", fill="black", font=font)
    for i, (label, points, unrelated) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        draw.line([(x(s), y(c)) for s, c in points], fill=colour, width=3)
        for s, c in points:
            draw.ellipse([x(s) - 4, y(c) - 4, x(s) + 4, y(c) + 4], fill=colour)
        draw.text((x(0) + 10, y(1) + 10 + 16 * i), label, fill=colour, font=font)
        if unrelated is not None and i == 0:
            draw.line([(x(0), y(unrelated)), (x(1), y(unrelated))], fill=(120, 120, 120), width=1)
            draw.text((x(0.62), y(unrelated) - 16), "a variation against an unrelated seed", fill=(90, 90, 90), font=font)
    image.save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
