"""The tray icon and the app icon, drawn with Pillow (RGBA, crisp from 16 to 256 px).

States look different at a glance (colour and glyph), and a ring shows progress toward the next
break. Shapes are drawn at 4× and downsampled so small sizes stay smooth.

The running tray does not draw: it cuts its looks from the sheets in ``icons/`` (see
ui/tray/looks.py). After changing the drawing, regenerate the shipped pictures with
``python -m traybreak.ui.tray.drawing`` (tests fail until they match).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from traybreak.platform.app_menu.linux import HICOLOR_SIZES
from traybreak.ui.tray.looks import (
    CELL,
    PROGRESS_STEPS,
    SHEET_CELLS,
    SHEET_SIZES,
    SLOT_SIZES,
    TrayState,
    encode_sheet,
    progress_step,
    sheet_path,
    slot_sheet_path,
)

SUPERSAMPLE = 4

_FILL = {
    TrayState.ACTIVE: (42, 157, 143, 255),     # teal
    TrayState.PAUSED: (120, 130, 150, 255),    # grey-blue
    TrayState.PROMPT: (231, 111, 81, 255),     # warm coral
    TrayState.OFF_HOURS: (61, 72, 99, 255),    # dusk slate
}
_RING = (255, 255, 255, 255)
_GLYPH = (255, 255, 255, 255)


def draw_tray_icon(state: TrayState, progress: float | None = None, size: int = 64) -> Image.Image:
    """The icon for ``state``; ``progress`` (0–1) draws the ring toward the next break."""
    step = progress_step(progress)
    quantised = None if step is None else step / PROGRESS_STEPS
    return _cached_icon(state, quantised, size).copy()


@lru_cache(maxsize=64)
def _cached_icon(state: TrayState, progress: float | None, size: int) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pad = big * 0.04
    draw.ellipse((pad, pad, big - pad, big - pad), fill=_FILL[state])
    if progress is not None and state is TrayState.ACTIVE:
        _draw_ring(draw, big, _FILL[state], progress)
    if state is TrayState.PAUSED:
        _draw_pause_bars(draw, big)
    elif state is TrayState.OFF_HOURS:
        _draw_moon(draw, big, _FILL[state])
    else:
        _draw_figure(draw, big, arms_up=state is TrayState.PROMPT)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _draw_ring(draw: ImageDraw.ImageDraw, big: int, fill: tuple[int, int, int, int],
               progress: float) -> None:
    inset = big * 0.1
    width = max(2, int(big * 0.07))
    box = (inset, inset, big - inset, big - inset)
    # Drawing replaces pixels rather than blending, so the faint track is a pre-mixed colour.
    track = (*(round(c + (255 - c) * 0.35) for c in fill[:3]), 255)
    draw.arc(box, 0, 360, fill=track, width=width)
    if progress > 0:
        draw.arc(box, -90, -90 + 360 * progress, fill=_RING, width=width)


def _draw_figure(draw: ImageDraw.ImageDraw, big: int, arms_up: bool) -> None:
    """A person: arms relaxed at the sides (working) or reaching up in a V (time to move)."""
    u = big / 64
    stroke = max(2, int(5.5 * u))
    cx = big / 2
    head_r = 5.5 * u
    draw.ellipse((cx - head_r, 10 * u, cx + head_r, 10 * u + 2 * head_r), fill=_GLYPH)
    shoulder, hip = (cx, 26 * u), (cx, 38 * u)
    hands = ((cx - 11 * u, 13 * u), (cx + 11 * u, 13 * u)) if arms_up else (
        (cx - 9 * u, 37 * u), (cx + 9 * u, 37 * u))
    feet = ((cx - 7 * u, 51 * u), (cx + 7 * u, 51 * u))
    segments = [(shoulder, hip)] + [(shoulder, h) for h in hands] + [(hip, f) for f in feet]
    r = stroke / 2
    for start, end in segments:
        draw.line((start, end), fill=_GLYPH, width=stroke)
        for x, y in (start, end):  # round caps and joints
            draw.ellipse((x - r, y - r, x + r, y + r), fill=_GLYPH)


def _draw_pause_bars(draw: ImageDraw.ImageDraw, big: int) -> None:
    u = big / 64
    for left in (21 * u, 36 * u):
        draw.rounded_rectangle((left, 19 * u, left + 7 * u, 45 * u), radius=3 * u, fill=_GLYPH)


def _draw_moon(draw: ImageDraw.ImageDraw, big: int, background: tuple[int, int, int, int]) -> None:
    u = big / 64
    draw.ellipse((17 * u, 16 * u, 47 * u, 46 * u), fill=_GLYPH)
    draw.ellipse((26 * u, 11 * u, 54 * u, 39 * u), fill=background)


def app_icon(size: int = 256) -> Image.Image:
    """The application icon (menus, .desktop entry, About): the active look, no ring."""
    return draw_tray_icon(TrayState.ACTIVE, None, size)


def render_sheet(size: int = CELL) -> Image.Image:
    """Every look the tray shows, left to right in SHEET_CELLS order, ``size`` px each."""
    sheet = Image.new("RGBA", (size * len(SHEET_CELLS), size), (0, 0, 0, 0))
    for index, (state, step) in enumerate(SHEET_CELLS):
        progress = None if step is None else step / PROGRESS_STEPS
        sheet.paste(draw_tray_icon(state, progress, size), (index * size, 0))
    return sheet


def render_slot_sheet(size: int) -> bytes:
    """Every look drawn at ``size`` px for an XEmbed slot, one after the other in SHEET_CELLS
    order, as raw RGBA (what ui/tray/looks.py:slot_pixels cuts from)."""
    return b"".join(
        draw_tray_icon(state, None if step is None else step / PROGRESS_STEPS, size).tobytes()
        for state, step in SHEET_CELLS
    )


def main(argv: list[str]) -> int:
    """Write the shipped pictures: the tray's sheets, the 256 px app icon and the app icon at
    each hicolor size (what `traybreak desktop-entry install` copies into the icon theme)."""
    icons = Path(argv[0]) if argv else sheet_path().parent
    (icons / sheet_path().name).write_bytes(encode_sheet(render_sheet().tobytes()))
    slots = icons / slot_sheet_path(SLOT_SIZES[0]).parent.name
    slots.mkdir(exist_ok=True)
    for size in SHEET_SIZES:
        (slots / slot_sheet_path(size).name).write_bytes(encode_sheet(render_slot_sheet(size)))
    app_icon(256).save(icons / "traybreak.png", optimize=True)
    hicolor = icons / "hicolor"
    hicolor.mkdir(exist_ok=True)
    for size in HICOLOR_SIZES:  # each drawn at its size (4x supersampled), never scaled down
        app_icon(size).save(hicolor / f"{size}.png", optimize=True)
    print(f"wrote {icons / sheet_path().name}, {len(SHEET_SIZES)} sheets in {slots}, "
          f"{icons / 'traybreak.png'} and {len(HICOLOR_SIZES)} app icons in {hicolor}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
