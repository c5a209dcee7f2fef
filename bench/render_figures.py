"""Bench: how long each exercise figure takes to render (cold) and to fetch again (cached).

Run: python bench/render_figures.py [--sheet OUT.png] [--per-row 3] [--size 240] [--scale 1]
The optional contact sheet puts every keyframe of every pose side by side, for looking at;
``--per-row`` poses share a row. docs/img/figures-contact-sheet.png is
``--sheet docs/img/figures-contact-sheet.png --per-row 3 --size 120``.
"""

from __future__ import annotations

import argparse
import time

from PIL import Image, ImageDraw

from traybreak.ui.figures import draw as figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=240)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--sheet", help="write a contact sheet PNG here")
    parser.add_argument("--only", nargs="*", help="pose keys (default: all)")
    parser.add_argument("--per-row", type=int, default=1, help="poses side by side on the sheet")
    args = parser.parse_args()
    keys = args.only or sorted(figures.pose_ids())
    rows = []
    timings = []
    for key in keys:
        start = time.perf_counter()
        frames = figures.render_frames(key, size=args.size, scale=args.scale)
        cold = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        figures.render_frames(key, size=args.size, scale=args.scale)
        warm = (time.perf_counter() - start) * 1000
        timings.append(cold)
        print(f"{key:32s} {len(frames)} frames  cold {cold:7.1f} ms  cached {warm:6.3f} ms")
        rows.append((key, frames))
    print(f"mean cold {sum(timings) / len(timings):.1f} ms per exercise, max {max(timings):.1f} ms")
    if args.sheet:
        _sheet(rows, args.size * args.scale, args.sheet, max(1, args.per_row))


def _sheet(rows: list[tuple[str, list[figures.Frame]]], px: int, out: str, per_row: int) -> None:
    label, gap = 16, 6
    cell = max(len(f) for _, f in rows) * (px + gap) + 2 * gap   # one pose: all its frames
    lines = -(-len(rows) // per_row)
    sheet = Image.new("RGB", (per_row * cell, lines * (px + label + gap)), "white")
    draw = ImageDraw.Draw(sheet)
    for index, (key, frames) in enumerate(rows):
        x, y = (index % per_row) * cell, (index // per_row) * (px + label + gap)
        draw.text((x + 4, y + 2), key, fill="black")
        for col, frame in enumerate(frames):
            sheet.paste(frame.image, (x + col * (px + gap), y + label), frame.image)
    sheet.save(out, optimize=True)
    print("contact sheet:", out)


if __name__ == "__main__":
    main()
