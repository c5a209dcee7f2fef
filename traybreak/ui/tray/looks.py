"""The tray icon's looks at run time, cut from sheets that ``python -m traybreak.ui.tray.drawing``
renders with ImageDraw (tests check they agree):

- ``icons/tray-states.rgba.zlib``: every look, RGBA, CELL px, for backends that take a picture
  (appindicator, win32, darwin) and scale it themselves: :func:`tray_image`.
- ``icons/slots/<size>.rgba.zlib``: every look drawn at exactly ``size`` px (16 to 48), RGBA, for
  pystray's xorg backend: :func:`slot_pixels`. The xorg icon lays these pixels over the tray's
  own background in plain Python (ui/tray/xorg_slot.py), so the running tray needs no Pillow at
  all there (about 2.6 MB of its 25 MB memory budget) and each size is drawn, not scaled.

Drawing at run time would pull in ImageDraw, ImageFont and FreeType (about 1.8 MB) to redraw the
same 17 images over and over, and reading a PNG would pull in PngImagePlugin with decimal and
fractions (about 1 MB): the sheets are raw pixels, zlib-compressed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import traybreak.icons

if TYPE_CHECKING:
    from PIL import Image

#: The ring moves in steps of 1/12 (30°): plenty to read at 22 px, and one redraw per step.
PROGRESS_STEPS = 12
#: Pixel size of one look on the RGBA sheet (the backend scales it to the tray's slot).
CELL = 64
SHEET_NAME = "tray-states.rgba.zlib"
#: XEmbed slot sizes (px) with every look drawn at exactly that size; pystray asks for 24 at least.
SLOT_SIZES = range(16, 49)
#: Sizes shipped as look-after-look sheets: the slot sizes, and CELL for the SNI tray's largest
#: pixmap (cut from the one-row RGBA sheet it meant inflating nearly all of it, 0.47 ms of the
#: 0.83 ms an icon change cost; from its own sheet, only the looks up to the one shown).
SHEET_SIZES = (*SLOT_SIZES, CELL)


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


#: The looks on the sheets, in order: only the active look has a ring.
SHEET_CELLS: tuple[tuple[TrayState, int | None], ...] = (
    (TrayState.ACTIVE, None),
    *((TrayState.ACTIVE, step) for step in range(PROGRESS_STEPS + 1)),
    (TrayState.PAUSED, None),
    (TrayState.PROMPT, None),
    (TrayState.OFF_HOURS, None),
)


@dataclass(frozen=True)
class TrayLook:
    """One look of the icon: a state, and for the active state the ring's step (or None)."""

    state: TrayState
    step: int | None = None

    def __post_init__(self) -> None:
        if self.state is not TrayState.ACTIVE:
            object.__setattr__(self, "step", None)  # only the active look has a ring

    @property
    def index(self) -> int:
        """Position on the sheets (see SHEET_CELLS)."""
        return SHEET_CELLS.index((self.state, self.step))


def sheet_path() -> Path:
    """Where the shipped RGBA sheet is (the icons package is a plain directory in every install)."""
    return Path(traybreak.icons.__file__).parent / SHEET_NAME


def slot_sheet_path(size: int) -> Path:
    """Where the shipped looks drawn at ``size`` px for an XEmbed slot are."""
    return Path(traybreak.icons.__file__).parent / "slots" / f"{size}.rgba.zlib"


def tray_image(state: TrayState, step: int | None) -> Image.Image:
    """The look for ``state`` with ring ``step`` (see progress_step), CELL px square, RGBA."""
    index = TrayLook(state, step).index
    return _sheet().crop((index * CELL, 0, (index + 1) * CELL, CELL))


def slot_pixels(look: TrayLook, size: int) -> bytes:
    """``look`` as ``size`` × ``size`` RGBA pixels (transparent around the badge), rows top to
    bottom.

    Sizes in SLOT_SIZES come from the shipped slot sheets (no Pillow); any other size is scaled
    from the RGBA sheet with Pillow, which the process then loads.
    """
    if size in SLOT_SIZES:
        cell = size * size * 4
        return _slot_sheet(size)[look.index * cell:(look.index + 1) * cell]
    return _scaled_pixels(look, size)


def encode_sheet(pixels: bytes) -> bytes:
    """The file content for raw sheet ``pixels`` (the inverse of reading it)."""
    return zlib.compress(pixels, 9)


@cache
def _sheet() -> Image.Image:
    from PIL import Image  # only backends that take a picture get here

    size = (CELL * len(SHEET_CELLS), CELL)
    return Image.frombytes("RGBA", size, zlib.decompress(sheet_path().read_bytes()))


@cache
def _slot_sheet(size: int) -> bytes:
    return zlib.decompress(slot_sheet_path(size).read_bytes())


@cache
def _scaled_pixels(look: TrayLook, size: int) -> bytes:
    from PIL import Image

    image = tray_image(look.state, look.step).resize((size, size), Image.Resampling.LANCZOS)
    return image.tobytes()
