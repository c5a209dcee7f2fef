"""The icon's looks as StatusNotifierItem pixmaps: ARGB32 in network byte order (bytes A, R, G,
B per pixel), at every size a host may ask for, cut from the shipped sheets without Pillow.

Only the look on show is kept (by the item): each change reads the sheets again, decompressing
just up to the look's cell, so the tray does not hold every look at every size in memory (the
sheets are ~0.6 MB raw; the tray's whole budget is 25 MB)."""

from __future__ import annotations

import zlib
from pathlib import Path

from traybreak.ui.tray.looks import CELL, SHEET_SIZES, TrayLook, slot_sheet_path

#: The sizes offered: hosts pick the nearest (KDE panels draw 16–24 px, GNOME's top bar 16 px
#: at scale 1 and 32 at scale 2, HiDPI panels up to 48, and 64 for the largest). Each is drawn
#: at its size, never scaled by us.
PIXMAP_SIZES = (16, 22, 24, 32, 48, CELL)

Pixmap = tuple[int, int, bytes]


def argb_from_rgba(rgba: bytes) -> bytes:
    """RGBA pixels as ARGB32 in network byte order (A first), as the SNI spec wants."""
    argb = bytearray(len(rgba))
    argb[0::4] = rgba[3::4]
    argb[1::4] = rgba[0::4]
    argb[2::4] = rgba[1::4]
    argb[3::4] = rgba[2::4]
    return bytes(argb)


def look_rgba(look: TrayLook, size: int) -> bytes:
    """``look`` at ``size`` px as RGBA rows, from the look-after-look sheet of that size."""
    if size not in SHEET_SIZES:
        raise ValueError(f"no {size} px drawing of the tray looks (have {PIXMAP_SIZES})")
    cell = size * size * 4  # a slot sheet is the looks one after another, each size × size
    return _decompressed_upto(slot_sheet_path(size), (look.index + 1) * cell)[-cell:]


def look_pixmaps(look: TrayLook) -> tuple[Pixmap, ...]:
    """Every offered size of ``look``: (width, height, ARGB32 bytes), smallest first."""
    return tuple((size, size, argb_from_rgba(look_rgba(look, size))) for size in PIXMAP_SIZES)


def image_pixmaps(image: object) -> tuple[Pixmap, ...]:
    """A PIL image (any mode) as one pixmap at its own size (for callers that pass pictures)."""
    rgba = image.convert("RGBA")  # type: ignore[attr-defined]
    width, height = rgba.size
    return ((width, height, argb_from_rgba(rgba.tobytes())),)


def _decompressed_upto(path: Path, length: int) -> bytes:
    """The first ``length`` bytes of zlib file ``path``, without inflating the rest."""
    data = zlib.decompressobj().decompress(path.read_bytes(), length)
    if len(data) != length:
        raise ValueError(f"{path.name} is shorter than expected: reinstall traybreak")
    return data

