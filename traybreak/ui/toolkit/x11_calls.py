"""The two X11 calls a window makes besides Tk's own, through the C libraries Tk already loads
(libX11) and libXrandr, with ctypes: the monitor layout (RandR 1.5 ``XRRGetMonitors``) and the
"do not focus me" hint (``_NET_WM_USER_TIME`` = 0 on the window manager's frame).

python-xlib did both before, but importing it and opening its connection cost a window 3.2 MB
of its memory (#18 point 12, bench/prompt_memory.py); ctypes and these libraries cost 0.5 MB.
Every call is one the X server cannot refuse for the arguments given (the root window, a window
of our own that exists), because libX11's default error handler would end the process; the
property write still runs under a handler of ours, which is put back right after.
Any failure (no library, no display, no RandR 1.5) gives the caller's fallback, never an error.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

XA_CARDINAL = 6
PROP_MODE_REPLACE = 0
_c = ctypes


class _Monitor(ctypes.Structure):
    """XRRMonitorInfo (X11/extensions/Xrandr.h, RandR 1.5)."""

    _fields_ = [("name", _c.c_ulong), ("primary", _c.c_int), ("automatic", _c.c_int),
                ("noutput", _c.c_int), ("x", _c.c_int), ("y", _c.c_int), ("width", _c.c_int),
                ("height", _c.c_int), ("mwidth", _c.c_int), ("mheight", _c.c_int),
                ("outputs", _c.c_void_p)]


_ERROR_HANDLER = ctypes.CFUNCTYPE(_c.c_int, _c.c_void_p, _c.c_void_p)


def _x11() -> Any:
    lib = ctypes.CDLL("libX11.so.6")
    lib.XOpenDisplay.restype = _c.c_void_p
    lib.XOpenDisplay.argtypes = [_c.c_char_p]
    lib.XCloseDisplay.argtypes = [_c.c_void_p]
    lib.XDefaultRootWindow.restype = _c.c_ulong
    lib.XDefaultRootWindow.argtypes = [_c.c_void_p]
    lib.XInternAtom.restype = _c.c_ulong
    lib.XInternAtom.argtypes = [_c.c_void_p, _c.c_char_p, _c.c_int]
    lib.XQueryTree.argtypes = [_c.c_void_p, _c.c_ulong, _c.POINTER(_c.c_ulong),
                               _c.POINTER(_c.c_ulong), _c.POINTER(_c.c_void_p),
                               _c.POINTER(_c.c_uint)]
    lib.XFree.argtypes = [_c.c_void_p]
    lib.XChangeProperty.argtypes = [_c.c_void_p, _c.c_ulong, _c.c_ulong, _c.c_ulong, _c.c_int,
                                    _c.c_int, _c.c_void_p, _c.c_int]
    lib.XSync.argtypes = [_c.c_void_p, _c.c_int]
    lib.XSetErrorHandler.restype = _c.c_void_p
    lib.XSetErrorHandler.argtypes = [_c.c_void_p]
    return lib


@contextmanager
def _display(lib: Any, name: str | None) -> Iterator[int]:
    display = lib.XOpenDisplay(name.encode() if name else None)
    if not display:
        raise OSError(f"cannot open X display {name or '(DISPLAY)'}")
    try:
        yield display
    finally:
        lib.XCloseDisplay(display)


def monitors(display_name: str | None = None) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each monitor, from RandR 1.5; empty when unknown."""
    try:
        lib = _x11()
        randr = ctypes.CDLL("libXrandr.so.2")
        randr.XRRQueryExtension.argtypes = [_c.c_void_p, _c.POINTER(_c.c_int),
                                            _c.POINTER(_c.c_int)]
        randr.XRRQueryVersion.argtypes = [_c.c_void_p, _c.POINTER(_c.c_int),
                                          _c.POINTER(_c.c_int)]
        randr.XRRGetMonitors.restype = _c.POINTER(_Monitor)
        randr.XRRGetMonitors.argtypes = [_c.c_void_p, _c.c_ulong, _c.c_int,
                                         _c.POINTER(_c.c_int)]
        randr.XRRFreeMonitors.argtypes = [_c.c_void_p]
        with _display(lib, display_name) as display:
            event, error, major, minor = _c.c_int(), _c.c_int(), _c.c_int(), _c.c_int()
            if not randr.XRRQueryExtension(display, _c.byref(event), _c.byref(error)):
                return []
            if not randr.XRRQueryVersion(display, _c.byref(major), _c.byref(minor)) or (
                    (major.value, minor.value) < (1, 5)):
                return []
            count = _c.c_int()
            found = randr.XRRGetMonitors(display, lib.XDefaultRootWindow(display), 1,
                                         _c.byref(count))
            if not found:
                return []
            try:
                return [(found[i].x, found[i].y, found[i].width, found[i].height)
                        for i in range(count.value)]
            finally:
                randr.XRRFreeMonitors(found)
    except (OSError, AttributeError) as err:  # no library or symbol, no display
        log.debug("monitor layout unknown (%s)", err)
        return []


def set_user_time_zero(display_name: str, window: int) -> bool:
    """Set ``_NET_WM_USER_TIME`` = 0 on the parent of ``window`` (Tk's wrapper: the window the
    window manager manages); False when that could not be done. Main thread only."""
    try:
        lib = _x11()
        with _display(lib, display_name) as display:
            root, parent, children, count = _c.c_ulong(), _c.c_ulong(), _c.c_void_p(), _c.c_uint()
            failed: list[int] = []


            def noted(_display: int, _event: int) -> int:
                failed.append(1)
                return 0

            note = _ERROR_HANDLER(noted)
            previous = lib.XSetErrorHandler(_c.cast(note, _c.c_void_p))
            try:
                if not lib.XQueryTree(display, window, _c.byref(root), _c.byref(parent),
                                      _c.byref(children), _c.byref(count)):
                    return False
                if children:
                    lib.XFree(children)
                atom = lib.XInternAtom(display, b"_NET_WM_USER_TIME", 0)
                zero = (_c.c_long * 1)(0)  # format 32 data is an array of C longs
                lib.XChangeProperty(display, parent.value, atom, XA_CARDINAL, 32,
                                    PROP_MODE_REPLACE, zero, 1)
                lib.XSync(display, 0)
            finally:
                lib.XSetErrorHandler(previous)
            return not failed
    except (OSError, AttributeError) as err:
        log.debug("cannot set the focus hint (%s)", err)
        return False
