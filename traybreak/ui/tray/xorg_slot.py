"""How the fixed xorg icon paints a look on its window (XorgFix.SLOT_LOOKS, TRAY_BACKGROUND):
the look's pre-drawn RGBA pixels blended, in plain Python (the tray process loads no Pillow),
over the tray's own background read back from the window, and sent as depth-24 ZPixmap.
"""

from __future__ import annotations

from typing import Any


def tray_ground(window: Any, width: int, height: int) -> bytearray | None:
    """What the tray shows behind ``window`` (``width`` × ``height``), as the ZPixmap rows of a
    depth-24 window; None when it cannot be read (the window is not on screen yet).

    The window's background must be ParentRelative: clearing it then paints the tray's own
    background, solid or a tinted picture, which GetImage reads back (one round trip).
    """
    from Xlib import X
    from Xlib.error import BadMatch

    window.clear_area(0, 0, width, height)
    try:
        image = window.get_image(0, 0, width, height, X.ZPixmap, 0xFFFFFFFF)
    except BadMatch:  # not viewable (not mapped yet: its Expose brings a redraw) or off screen
        return None
    if image.depth != 24 or len(image.data) != _stride(window, width) * height:
        return None  # not the 32-bit pixels painted below: draw as if on black
    return bytearray(image.data)


def paint_look(window: Any, gc: Any, width: int, height: int, rgba: bytes,
               ground: bytearray | None) -> None:
    """Paint ``rgba`` (side × side RGBA rows, side = min(width, height)) centred on a
    ``width`` × ``height`` window of depth 24, over ``ground`` (from :func:`tray_ground`;
    black when None); as python-xlib's put_pil_image does, in bands that fit one request."""
    from Xlib import X
    from Xlib.protocol import request

    side = min(width, height)
    info = window.display.info
    stride = _stride(window, width)
    rows = ground if ground is not None else bytearray(stride * height)
    start = (height - side) // 2 * stride + (width - side) // 2 * 4
    _blend(rows, start, stride, rgba, side, msb_first=info.image_byte_order != X.LSBFirst)
    band = max(1, ((info.max_request_length << 2) - request.PutImage._request.static_size)
               // stride)
    for y in range(0, height, band):
        lines = min(band, height - y)
        window.put_image(gc, 0, y, width, lines, X.ZPixmap, 24, 0,
                         bytes(rows[y * stride:(y + lines) * stride]))


def _blend(rows: bytearray, start: int, stride: int, rgba: bytes, side: int, *,
           msb_first: bool) -> None:
    """Lay the RGBA square over the 32-bit pixels 0x??RRGGBB of ``rows`` from byte ``start``."""
    # Where red, green and blue sit in a pixel, in the server's byte order.
    offsets = (1, 2, 3) if msb_first else (2, 1, 0)
    for y in range(side):
        line = start + y * stride
        for x in range(side):
            source = (y * side + x) * 4
            alpha = rgba[source + 3]
            if not alpha:
                continue  # around the badge: the tray shows through
            pixel = line + 4 * x
            for channel, offset in enumerate(offsets):
                colour, under = rgba[source + channel], rows[pixel + offset]
                rows[pixel + offset] = (colour * alpha + under * (255 - alpha) + 127) // 255


def _stride(window: Any, width: int) -> int:
    """Bytes per row of a ``width`` px depth-24 ZPixmap (32 bits a pixel, padded)."""
    info = window.display.info
    unit, pad = int(info.bitmap_format_scanline_unit), int(info.bitmap_format_scanline_pad)
    return (width * unit + pad - 1) // pad * pad // 8
