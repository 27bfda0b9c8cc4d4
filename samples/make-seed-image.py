#!/usr/bin/python3
"""Writes samples/seed-image.png: the demo's seed sprite, a 32x32 pixel-art potion drawn for this repo (no third-party
art). Run from the repository root with Debian's python3-pil: /usr/bin/python3 samples/make-seed-image.py"""
from PIL import Image

OUTLINE, GLASS, SHINE, LIQUID, DARK, CORK = (30, 24, 40, 255), (150, 200, 230, 255), (240, 250, 255, 255), (200, 40, 60, 255), (120, 20, 40, 255), (140, 90, 40, 255)

image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
pixels = image.load()
centre = 15.5
for y in range(32):
    for x in range(32):
        dx = x - centre
        # A round flask (rows 12-28) under a neck (rows 6-11) and a cork (rows 3-5).
        body = (dx * dx) / 100.0 + ((y - 20.0) ** 2) / 72.0
        if 3 <= y <= 5 and abs(dx) <= 3:
            pixels[x, y] = OUTLINE if abs(dx) == 3 or y == 3 else CORK
        elif 6 <= y <= 12 and abs(dx) <= 3.5:
            pixels[x, y] = OUTLINE if abs(dx) >= 2.5 else GLASS
        elif body <= 1.0:
            edge = body > 0.8
            if edge:
                pixels[x, y] = OUTLINE
            elif y >= 19:
                pixels[x, y] = DARK if body > 0.6 or y >= 26 else LIQUID
            else:
                pixels[x, y] = GLASS
# Highlights on the glass.
for x, y in [(11, 16), (11, 17), (12, 15), (10, 18), (10, 19), (14, 8)]:
    pixels[x, y] = SHINE
image.save("samples/seed-image.png")
