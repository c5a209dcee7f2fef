"""How the fixed xorg icon puts a pre-drawn look on its window (XorgFix.SLOT_LOOKS), against a
recording stand-in for python-xlib's window; tests/e2e/test_tray_xorg.py checks the real one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from Xlib import X
from Xlib.protocol import request

from traybreak.ui.tray import _put_rgb

RED, GREEN, BLUE, WHITE = b"\xff\x00\x00", b"\x00\xff\x00", b"\x00\x00\xff", b"\xff\xff\xff"


class RecordingWindow:
    """Takes put_image calls; ``max_request_length`` in 4-byte units, as the server says."""

    def __init__(self, byte_order: int = X.LSBFirst, max_request_length: int = 65535) -> None:
        self.display = SimpleNamespace(info=SimpleNamespace(
            image_byte_order=byte_order, bitmap_format_scanline_unit=32,
            bitmap_format_scanline_pad=32, max_request_length=max_request_length))
        self.puts: list[tuple[Any, ...]] = []

    def put_image(self, gc: Any, x: int, y: int, width: int, height: int, fmt: int, depth: int,
                  left_pad: int, data: bytes) -> None:
        self.puts.append((x, y, width, height, fmt, depth, left_pad, data))


def test_pixels_go_out_as_depth_24_zpixmap_in_the_servers_byte_order() -> None:
    lsb, msb = RecordingWindow(X.LSBFirst), RecordingWindow(X.MSBFirst)
    for window in (lsb, msb):
        _put_rgb(window, "gc", 3, 1, RED)  # side 1: the red pixel, centred
    black = b"\x00\x00\x00\x00"
    assert lsb.puts == [(0, 0, 3, 1, X.ZPixmap, 24, 0, black + b"\x00\x00\xff\x00" + black)]
    assert msb.puts[0][7] == black + b"\x00\xff\x00\x00" + black


def test_a_square_is_centred_on_a_wider_window_over_the_slot_background() -> None:
    window = RecordingWindow()
    _put_rgb(window, "gc", 4, 2, RED + GREEN + BLUE + WHITE)
    (_, _, width, height, _, _, _, data), = window.puts
    assert (width, height) == (4, 2)
    black = b"\x00\x00\x00\x00"
    assert data == (black + b"\x00\x00\xff\x00" + b"\x00\xff\x00\x00" + black
                    + black + b"\xff\x00\x00\x00" + b"\xff\xff\xff\x00" + black)


@pytest.mark.parametrize("rows_per_request", [1, 2, 3])
def test_a_picture_larger_than_one_request_goes_in_bands(rows_per_request: int) -> None:
    side = 3
    square = bytes(range(side * side * 3))
    stride = side * 4
    limit = (request.PutImage._request.static_size + rows_per_request * stride + 3) // 4
    banded, whole = RecordingWindow(max_request_length=limit), RecordingWindow()
    _put_rgb(banded, "gc", side, side, square)
    _put_rgb(whole, "gc", side, side, square)
    assert [put[1] for put in banded.puts] == list(range(0, side, rows_per_request))
    assert b"".join(put[7] for put in banded.puts) == whole.puts[0][7]
    assert all(len(put[7]) <= limit * 4 - request.PutImage._request.static_size
               for put in banded.puts)
