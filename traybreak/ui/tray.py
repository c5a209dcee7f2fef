"""The tray icon: the only module that imports pystray, and the one home of the fixes for its
0.19.5 xorg (XEmbed) backend. pystray picks its backend when first imported, so it is imported
inside functions only; the fixes apply to exactly the pinned version and to nothing else.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable
from enum import StrEnum
from types import ModuleType
from typing import Any

from traybreak.errors import ExitStatus, UserError
from traybreak.ui.tray_look import SLOT_BACKGROUND, TrayLook, slot_pixels, tray_image
from traybreak.ui.xorg_handoff import LOOP_ENDED, close_courier, handoff

log = logging.getLogger(__name__)

#: The pystray release whose private xorg methods the fixes below override.
PINNED_PYSTRAY = "0.19.5"
#: The GLib-based backends; ui/tray_gtk.py holds their fixes (for the pinned version too).
GLIB_BACKENDS = frozenset({"appindicator", "gtk"})
#: Below this many px the icon window has not been embedded yet (it starts 1×1): not drawn.
_EMBEDDED_MIN = 8
#: Set on a fixed xorg icon whose X server closed the connection (XorgFix.DISPLAY_GONE).
_DISPLAY_CLOSED = "_traybreak_display_closed"


class XorgFix(StrEnum):
    """The fixes for pystray 0.19.5's xorg backend (see shared/DESKTOP-TESTING.md)."""

    CLICKS = "clicks"              # the icon window never asked for ButtonPress: clicks were lost
    DOCK_ONCE = "dock-once"        # two REQUEST_DOCKs per start left 7–20 % of icons undocked
    SHOW_ON_LOOP = "show-on-loop"  # showing from the setup thread could deadlock start-up
    NO_DETACHED = "no-detached"    # run_detached() left a thread that kept the process alive
    SAFE_HANDOFF = "safe-handoff"  # calls from other threads (stop!) could hang the loop for good
    DISPLAY_GONE = "display-gone"  # the X server going away (logout) logged a traceback as error
    SLOT_LOOKS = "slot-looks"      # every draw scaled a picture with Pillow (2.6 MB of memory)


ALL_XORG_FIXES: frozenset[XorgFix] = frozenset(XorgFix)


def load_pystray() -> ModuleType:
    """Import pystray now (this chooses its backend); UserError if no backend can start here."""
    try:
        import pystray
    except Exception as err:  # pystray raises ImportError, Xlib errors when DISPLAY is bad, ...
        raise UserError(
            f"cannot show a tray icon here ({err}); start traybreak inside a graphical session "
            "with a system tray (on GNOME: the AppIndicator extension)",
            ExitStatus.NO_DISPLAY,
        ) from err
    return pystray  # type: ignore[no-any-return]


def backend_name(pystray: ModuleType | None = None) -> str:
    """The backend pystray chose: "xorg", "gtk", "appindicator", "win32", "darwin" or "dummy"."""
    module = (pystray or load_pystray()).Icon.__module__
    return str(module.rsplit(".", 1)[-1].lstrip("_"))


def pystray_version() -> str:
    """The installed pystray version ("" when unknown)."""
    try:  # pystray's own record: importlib.metadata would cost the tray ~1 MB of modules
        from pystray._info import __version__

        return ".".join(map(str, __version__))
    except (ImportError, TypeError):
        import importlib.metadata

        try:
            return importlib.metadata.version("pystray")
        except importlib.metadata.PackageNotFoundError:
            return ""


def icon_class(fixes: Iterable[XorgFix] = ALL_XORG_FIXES) -> type:
    """The Icon class to use: pystray's, with ``fixes`` applied when it is the pinned xorg one
    (and ui/tray_gtk.py's fixes when it is the pinned appindicator or gtk one).

    On any other pystray version the fixes are not applied (they override private methods) and a
    warning says so.
    """
    pystray = load_pystray()
    wanted = frozenset(fixes)
    if backend_name(pystray) in GLIB_BACKENDS and pystray_version() == PINNED_PYSTRAY:
        from traybreak.ui.tray_gtk import fixed_gtk_class  # their fixes: see that module

        return fixed_gtk_class(pystray.Icon)
    if backend_name(pystray) != "xorg" or not wanted:
        return pystray.Icon  # type: ignore[no-any-return]
    version = pystray_version()
    if version != PINNED_PYSTRAY:
        log.warning(
            "pystray %s is not %s: the xorg tray fixes are NOT applied, so clicks may not arrive "
            "and the icon may fail to dock; install pystray==%s",
            version or "(unknown version)", PINNED_PYSTRAY, PINNED_PYSTRAY,
        )
        return pystray.Icon  # type: ignore[no-any-return]
    return _fixed_xorg_class(pystray.Icon, wanted)


def create_icon(
    name: str,
    look: TrayLook | Any,
    title: str = "",
    menu: Any = None,
    *,
    fixes: Iterable[XorgFix] = ALL_XORG_FIXES,
) -> Any:
    """A pystray Icon (fixed on xorg) showing ``look`` (a TrayLook or a PIL image); show it
    with :func:`run_icon`."""
    cls = icon_class(fixes)
    return cls(name, _picture_for(cls, look), title, menu)


def set_look(icon: Any, look: TrayLook | Any) -> None:
    """Show ``look`` (a TrayLook or a PIL image) on ``icon`` from now on."""
    icon.icon = _picture_for(type(icon), look)


def _picture_for(cls: type, look: TrayLook | Any) -> Any:
    """What an icon of class ``cls`` draws for ``look``: the look itself where the icon puts
    pre-drawn pixels (XorgFix.SLOT_LOOKS), else a PIL image (Pillow loads then, not before)."""
    if not isinstance(look, TrayLook) or XorgFix.SLOT_LOOKS in getattr(cls, "TRAYBREAK_FIXES", ()):
        return look
    return tray_image(look.state, look.step)


def run_icon(icon: Any, setup: Callable[[Any], None] | None = None) -> None:
    """Show ``icon`` and run its loop in the calling thread until ``icon.stop()``.

    Call this on the main thread. It is the supported way to run the tray: on xorg,
    ``run_detached`` is refused (see XorgFix.NO_DETACHED). ``setup(icon)``, if given, runs in a
    helper thread once the icon is shown (on fixed xorg) and must return promptly.
    """
    icon.run(setup)


@functools.cache
def _fixed_xorg_class(base: type, fixes: frozenset[XorgFix]) -> type:
    """Subclass pystray's xorg Icon, overriding only the private methods the fixes need."""
    from Xlib import X  # python-xlib: present whenever the xorg backend imported
    from Xlib.error import BadDrawable, ConnectionClosedError

    icon_events = X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask

    class FixedXorgIcon(base):  # type: ignore[misc]
        """pystray 0.19.5 xorg Icon with traybreak's fixes (``TRAYBREAK_FIXES``)."""

        TRAYBREAK_FIXES = fixes

        def _create_window(self) -> Any:
            window = super()._create_window()
            if XorgFix.CLICKS in fixes:
                # Upstream selects only Exposure|StructureNotify, so ButtonPress is never
                # delivered and the default action cannot run (pystray issue #151).
                window.change_attributes(event_mask=icon_events)
            return window

        def _dock_window(self) -> None:
            # Upstream sends REQUEST_DOCK from both _update_icon and _show (and again on every
            # icon change); trayer sometimes drops an icon docked twice. Dock until docked.
            if XorgFix.DOCK_ONCE in fixes and self._systray_manager is not None:
                return
            super()._dock_window()

        def _run(self) -> None:
            if XorgFix.SHOW_ON_LOOP not in fixes:
                super()._run()
                return
            # Show on the loop thread before the setup thread is released: upstream shows from
            # the setup thread through a cross-thread python-xlib hand-off that can deadlock.
            # The default setup then finds the icon visible and does nothing.
            self._thread = threading.current_thread()
            if self.icon is not None:
                try:
                    self.visible = True
                except Exception:
                    log.exception("could not show the tray icon")
            self._mark_ready()
            self._mainloop()

        def _mainloop(self) -> None:
            try:
                if XorgFix.DISPLAY_GONE in fixes:
                    self._loop_until_display_closes()
                else:
                    super()._mainloop()
            finally:
                setattr(self, LOOP_ENDED, True)
                close_courier(self)

        def _loop_until_display_closes(self) -> None:
            # Upstream's loop, except that the X server closing our connection (the session
            # has ended) is its normal end, not an error logged with a traceback. It may show
            # while reading the next event or inside a handler (a redraw), so the whole loop.
            try:
                for event in self._events():
                    if event.type == X.DestroyNotify and event.window == self._window:
                        break  # our window was destroyed: stop() or the icon was hidden
                    self._message_handlers.get(event.type, lambda e: None)(event)
            except ConnectionClosedError as err:
                setattr(self, _DISPLAY_CLOSED, True)
                log.warning("the X display closed (%s): the session has ended", err)
            except Exception:
                log.exception("the tray icon's event loop failed")

        def __del__(self) -> None:
            if XorgFix.DISPLAY_GONE in fixes and getattr(self, _DISPLAY_CLOSED, False):
                return  # upstream would destroy the window and flush on the dead connection
            super().__del__()

        def _rewrite_implementation(self, *originals: Callable[[], None]) -> None:
            super()._rewrite_implementation(*originals)
            if XorgFix.SAFE_HANDOFF not in fixes:
                return
            # Upstream hands a call to the loop thread by writing on the loop's own Display from
            # the calling thread. python-xlib's threaded I/O can then read the loop's next event
            # on the caller's side while the loop sits in select() for good (seen on ~1 stop in
            # 6 here). We send the hand-off over a private connection instead, so only the loop
            # thread ever touches the loop's Display.
            for original in originals:
                setattr(self, original.__name__, handoff(self, original))

        def _draw(self) -> None:
            look = self._icon
            if XorgFix.SLOT_LOOKS not in fixes or not isinstance(look, TrayLook):
                super()._draw()  # a PIL image (tests, other callers): upstream scales it
                return
            # Upstream scales a PIL image to the slot with Pillow on every draw, so the tray
            # process would load Pillow (2.6 MB) for this alone. The looks are pre-drawn at
            # every usual slot size: put those pixels on the window as they are.
            try:
                geometry = self._window.get_geometry()
                side = min(geometry.width, geometry.height)
                if side < _EMBEDDED_MIN:
                    return  # not embedded yet (1×1): the tray's resize brings a redraw
                _put_rgb(self._window, self._gc, geometry.width, geometry.height,
                         slot_pixels(look, side))
            except BadDrawable:
                pass  # the window has been destroyed (as upstream)

        def run_detached(self, setup: Callable[[Any], None] | None = None) -> None:
            if XorgFix.NO_DETACHED in fixes:
                # Upstream starts a second non-daemon thread: stop() then blocks 5 s and the
                # process never exits. Refuse before any thread starts.
                raise NotImplementedError(
                    "run_detached() hangs exit on pystray's xorg backend; "
                    "call traybreak.ui.tray.run_icon(icon) on the main thread instead"
                )
            super().run_detached(setup)

    FixedXorgIcon.__qualname__ = FixedXorgIcon.__name__ = (
        "FixedXorgIcon[" + ",".join(sorted(fixes)) + "]"
    )
    return FixedXorgIcon



def _put_rgb(window: Any, gc: Any, width: int, height: int, square: bytes) -> None:
    """Paint ``square`` (side × side RGB rows, side = min(width, height)) centred on a
    ``width`` × ``height`` window of depth 24, over SLOT_BACKGROUND; as python-xlib's
    put_pil_image does for an RGB picture, in bands that fit one request."""
    from Xlib import X
    from Xlib.protocol import request

    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    info = window.display.info
    msb_first = info.image_byte_order != X.LSBFirst
    stride = _round_up(width * info.bitmap_format_scanline_unit,
                       info.bitmap_format_scanline_pad) // 8
    pixel = _zpixel(bytes(SLOT_BACKGROUND), msb_first=msb_first)
    rows = bytearray(pixel * width + bytes(stride - 4 * width)) * height
    for y in range(side):
        start = (top + y) * stride + 4 * left
        rows[start:start + 4 * side] = _zpixel(square[y * side * 3:(y + 1) * side * 3],
                                               msb_first=msb_first)
    band = max(1, ((info.max_request_length << 2) - request.PutImage._request.static_size)
               // stride)
    for y in range(0, height, band):
        lines = min(band, height - y)
        window.put_image(gc, 0, y, width, lines, X.ZPixmap, 24, 0,
                         bytes(rows[y * stride:(y + lines) * stride]))


def _zpixel(rgb: bytes, *, msb_first: bool) -> bytes:
    """RGB triples as 32-bit depth-24 ZPixmap pixels 0x00RRGGBB in the server's byte order."""
    out = bytearray(len(rgb) // 3 * 4)
    red, green, blue = rgb[0::3], rgb[1::3], rgb[2::3]
    if msb_first:
        out[1::4], out[2::4], out[3::4] = red, green, blue
    else:
        out[0::4], out[1::4], out[2::4] = blue, green, red
    return bytes(out)


def _round_up(value: int, unit: int) -> int:
    return (value + unit - 1) // unit * unit
