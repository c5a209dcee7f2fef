"""The tray icon's looks at run time: cut from ``icons/tray-states.rgba.zlib``, a sheet that
``python -m traybreak.ui.tray_icon`` renders with ImageDraw (tests check the two agree).

The running tray only needs PIL.Image for this. Drawing would pull in ImageDraw, ImageFont and
FreeType (about 1.8 MB of the tray's 25 MB memory budget) to redraw the same 17 images over and
over, and reading a PNG would pull in PngImagePlugin with decimal and fractions (about 1 MB): the
sheet is therefore raw RGBA pixels, zlib-compressed, one CELL-high row of looks.
"""

from __future__ import annotations

import zlib
from enum import StrEnum
from functools import cache
from pathlib import Path

from PIL import Image

import traybreak.icons

#: The ring moves in steps of 1/12 (30°): plenty to read at 22 px, and one redraw per step.
PROGRESS_STEPS = 12
#: Pixel size of one look on the sheet (pystray scales it to the tray's slot).
CELL = 64
SHEET_NAME = "tray-states.rgba.zlib"


class TrayState(StrEnum):
    """What the icon shows."""

    ACTIVE = "active"        # counting toward the next break
    PAUSED = "paused"        # paused by the user
    PROMPT = "prompt"        # a prompt is on screen
    OFF_HOURS = "off_hours"  # outside working hours: timers hold still


def progress_step(progress: float | None) -> int | None:
    """``progress`` (0–1, None for no ring) rounded to a ring step 0..PROGRESS_STEPS."""
    if progress is None:
        return None
    return round(min(max(progress, 0.0), 1.0) * PROGRESS_STEPS)


#: The looks on the sheet, left to right: only the active look has a ring.
SHEET_CELLS: tuple[tuple[TrayState, int | None], ...] = (
    (TrayState.ACTIVE, None),
    *((TrayState.ACTIVE, step) for step in range(PROGRESS_STEPS + 1)),
    (TrayState.PAUSED, None),
    (TrayState.PROMPT, None),
    (TrayState.OFF_HOURS, None),
)


def sheet_path() -> Path:
    """Where the shipped sheet is (the icons package is a plain directory in every install)."""
    return Path(traybreak.icons.__file__).parent / SHEET_NAME


def tray_image(state: TrayState, step: int | None) -> Image.Image:
    """The look for ``state`` with ring ``step`` (see progress_step), CELL px square, RGBA."""
    if state is not TrayState.ACTIVE:
        step = None
    index = SHEET_CELLS.index((state, step))
    return _sheet().crop((index * CELL, 0, (index + 1) * CELL, CELL))


def encode_sheet(sheet: Image.Image) -> bytes:
    """The file content for an RGBA ``sheet`` (the inverse of reading it)."""
    return zlib.compress(sheet.tobytes(), 9)


@cache
def _sheet() -> Image.Image:
    size = (CELL * len(SHEET_CELLS), CELL)
    return Image.frombytes("RGBA", size, zlib.decompress(sheet_path().read_bytes()))
