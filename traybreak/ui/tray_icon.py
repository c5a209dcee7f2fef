"""The tray icon and the app icon, drawn with Pillow (RGBA, crisp from 16 to 256 px).

States look different at a glance (colour and glyph), and a ring shows progress toward the next
break. Shapes are drawn at 4× and downsampled so small sizes stay smooth.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from PIL import Image, ImageDraw

SUPERSAMPLE = 4


class TrayState(StrEnum):
    """What the icon shows."""

    ACTIVE = "active"        # counting toward the next break
    PAUSED = "paused"        # paused by the user
    PROMPT = "prompt"        # a prompt is on screen
    OFF_HOURS = "off_hours"  # outside working hours: timers hold still


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
    quantised = None if progress is None else round(min(max(progress, 0.0), 1.0) * 24) / 24
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
