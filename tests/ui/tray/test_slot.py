"""How the fixed xorg icon paints a pre-drawn look on its window (ui/tray/xorg_slot.py), against
a recording stand-in for python-xlib's window; tests/e2e/test_tray_xorg.py and
tests/e2e/test_tray_xorg_panel.py check the real one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from Xlib import X
from Xlib.error import BadMatch
from Xlib.protocol import request

from traybreak.ui.tray.xorg_slot import paint_look, tray_ground

RED, GREEN, BLUE, WHITE = b"\xff\x00\x00\xff", b"\x00\xff\x00\xff", b"\x00\x00\xff\xff", \
    b"\xff\xff\xff\xff"
CLEAR = b"\x00\x00\x00\x00"
BLACK = b"\x00\x00\x00\x00"  # a depth-24 ZPixmap pixel, either byte order


class RecordingWindow:
    """Takes put_image calls; ``max_request_length`` in 4-byte units, as the server says;
    ``shows`` is what GetImage reads back (an exception to raise, or ZPixmap bytes)."""

    def __init__(self, byte_order: int = X.LSBFirst, max_request_length: int = 65535,
                 shows: bytes | Exception = b"", depth: int = 24) -> None:
        self.display = SimpleNamespace(info=SimpleNamespace(
            image_byte_order=byte_order, bitmap_format_scanline_unit=32,
            bitmap_format_scanline_pad=32, max_request_length=max_request_length))
        self.puts: list[tuple[Any, ...]] = []
        self.calls: list[str] = []
        self.shows, self.depth = shows, depth

    def put_image(self, gc: Any, x: int, y: int, width: int, height: int, fmt: int, depth: int,
                  left_pad: int, data: bytes) -> None:
        self.puts.append((x, y, width, height, fmt, depth, left_pad, data))

    def clear_area(self, x: int, y: int, width: int, height: int) -> None:
        self.calls.append(f"clear {x},{y} {width}x{height}")

    def get_image(self, x: int, y: int, width: int, height: int, fmt: int,
                  plane_mask: int) -> Any:
        self.calls.append(f"get {x},{y} {width}x{height} {fmt == X.ZPixmap}")
        if isinstance(self.shows, Exception):
            raise self.shows
        return SimpleNamespace(depth=self.depth, data=self.shows)


def test_pixels_go_out_as_depth_24_zpixmap_in_the_servers_byte_order() -> None:
    lsb, msb = RecordingWindow(X.LSBFirst), RecordingWindow(X.MSBFirst)
    for window in (lsb, msb):
        paint_look(window, "gc", 3, 1, RED, None)  # side 1: the red pixel, centred
    assert lsb.puts == [(0, 0, 3, 1, X.ZPixmap, 24, 0, BLACK + b"\x00\x00\xff\x00" + BLACK)]
    assert msb.puts[0][7] == BLACK + b"\x00\xff\x00\x00" + BLACK


def test_a_square_is_centred_on_a_wider_window_over_black_without_a_ground() -> None:
    window = RecordingWindow()
    paint_look(window, "gc", 4, 2, RED + GREEN + BLUE + WHITE, None)
    (_, _, width, height, _, _, _, data), = window.puts
    assert (width, height) == (4, 2)
    assert data == (BLACK + b"\x00\x00\xff\x00" + b"\x00\xff\x00\x00" + BLACK
                    + BLACK + b"\xff\x00\x00\x00" + b"\xff\xff\xff\x00" + BLACK)


def test_the_look_is_blended_over_the_ground_it_is_given() -> None:
    # A light panel (220, 218, 213) as the server sends it in LSB order: B, G, R, pad.
    panel = b"\xd5\xda\xdc\xff"
    half_red = b"\xff\x00\x00\x80"  # red at alpha 128
    window = RecordingWindow()
    paint_look(window, "gc", 2, 2, CLEAR + half_red + RED + WHITE, bytearray(panel * 4))
    data = window.puts[0][7]
    pixels = [data[i:i + 4] for i in range(0, 16, 4)]
    # Transparent: the panel shows through; half red over it: (238, 109, 106); opaque: itself.
    assert pixels == [panel, b"\x6a\x6d\xee\xff", b"\x00\x00\xff\xff", b"\xff\xff\xff\xff"]


@pytest.mark.parametrize("rows_per_request", [1, 2, 3])
def test_a_picture_larger_than_one_request_goes_in_bands(rows_per_request: int) -> None:
    side = 3
    square = bytes(range(side * side * 4))
    stride = side * 4
    limit = (request.PutImage._request.static_size + rows_per_request * stride + 3) // 4
    banded, whole = RecordingWindow(max_request_length=limit), RecordingWindow()
    paint_look(banded, "gc", side, side, square, None)
    paint_look(whole, "gc", side, side, square, None)
    assert [put[1] for put in banded.puts] == list(range(0, side, rows_per_request))
    assert b"".join(put[7] for put in banded.puts) == whole.puts[0][7]
    assert all(len(put[7]) <= limit * 4 - request.PutImage._request.static_size
               for put in banded.puts)


def test_the_tray_ground_is_read_back_after_clearing_the_window() -> None:
    panel = b"\xd5\xda\xdc\xff" * 6
    window = RecordingWindow(shows=panel)
    assert tray_ground(window, 3, 2) == bytearray(panel)
    assert window.calls == ["clear 0,0 3x2", "get 0,0 3x2 True"]


@pytest.mark.parametrize("window", [
    RecordingWindow(shows=BadMatch(None, bytes(32))),    # not viewable yet
    RecordingWindow(shows=b"\x00" * 5),                  # not 32 bits a pixel
    RecordingWindow(shows=b"\x00" * 24, depth=32),       # not a depth-24 window
])
def test_no_tray_ground_when_it_cannot_be_read(window: RecordingWindow) -> None:
    assert tray_ground(window, 3, 2) is None
