"""Bench: how long each exercise figure takes to render (cold) and to fetch again (cached).

Run: python bench/render_figures.py [--sheet OUT.png] [--size 240] [--scale 1]
The optional contact sheet puts every keyframe of every pose side by side, for looking at.
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
        _sheet(rows, args.size * args.scale, args.sheet)


def _sheet(rows: list[tuple[str, list[figures.Frame]]], px: int, out: str) -> None:
    label = 16
    width = max(len(f) for _, f in rows) * (px + 6)
    sheet = Image.new("RGB", (width, len(rows) * (px + label + 6)), "white")
    draw = ImageDraw.Draw(sheet)
    for row, (key, frames) in enumerate(rows):
        y = row * (px + label + 6)
        draw.text((4, y + 2), key, fill="black")
        for col, frame in enumerate(frames):
            sheet.paste(frame.image, (col * (px + 6), y + label), frame.image)
    sheet.save(out)
    print("contact sheet:", out)


if __name__ == "__main__":
    main()
