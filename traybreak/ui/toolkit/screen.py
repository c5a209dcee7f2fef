"""Where a window process is: DPI awareness (Windows), Tk scaling from the real DPI, the font
family, and the monitor under the pointer (X11 RandR through libXrandr, x11_calls.py, else Tk's
whole screen).
"""

from __future__ import annotations

import logging
import os
import sys
import tkinter as tk
import tkinter.font as tkfont
from typing import Any

from traybreak.ui.toolkit import x11_calls
from traybreak.ui.toolkit.geometry import Area, monitor_at, ui_scale

log = logging.getLogger(__name__)

# First installed family wins; all have good hinting at small sizes and the "·" glyph.
FAMILIES = ("Segoe UI", "SF Pro Text", "Helvetica Neue", "Cantarell", "Noto Sans", "Ubuntu",
            "DejaVu Sans", "Helvetica")


def make_dpi_aware() -> None:
    """On Windows, ask for per-monitor DPI awareness before Tk starts, so text is not blurred.

    Without it Windows bitmap-stretches the window on HiDPI screens. Best effort: older Windows
    versions lack shcore and fall back to the system-wide call.
    """
    if sys.platform != "win32":
        return
    import ctypes

    try:
        ctypes.windll.shcore.SetProcessDpiAwareness(2)
    except (AttributeError, OSError):
        try:
            ctypes.windll.user32.SetProcessDPIAware()
        except (AttributeError, OSError):
            log.debug("could not declare DPI awareness")


class MonitorProbe:
    """The X monitor layout (RandR 1.5), read once when first asked for.

    Asked on the thread that runs Tk, after Tk opened its display: libX11 (Tk's, and
    x11_calls') is not set up for threads, so a second thread opening a display while Tk opens
    its own could corrupt libX11's list of displays. The query takes about 2 ms.
    """

    def __init__(self) -> None:
        self._monitors: list[Area] | None = None

    def result(self) -> list[Area]:
        """The monitors found (empty when unknown)."""
        if self._monitors is None:
            self._monitors = []
            if sys.platform.startswith("linux") and os.environ.get("DISPLAY"):
                self._monitors = [Area(*box) for box in x11_calls.monitors()]
        return list(self._monitors)


def ask_not_to_be_focused(root: tk.Tk) -> bool:
    """X11: set ``_NET_WM_USER_TIME`` = 0 on the (unmapped) window, which EWMH window managers
    (openbox, mutter, kwin, xfwm) read as "do not give this new window the focus".

    So keystrokes keep going to the app the user is typing in; the prompt takes keys once it
    is clicked. Returns False when this is not X11 or libX11 is missing (the input guard
    still protects the first 1.5 s).
    """
    if root.tk.call("tk", "windowingsystem") != "x11":
        return False
    # Tk's wrapper (the window the WM manages) is the parent of the root widget's window;
    # `wm frame` does not name it before the first map.
    if x11_calls.set_user_time_zero(root.winfo_screen(), root.winfo_id()):
        return True
    log.debug("cannot ask the window manager not to focus the prompt")
    return False


def pointer_area(root: tk.Tk, probe: MonitorProbe) -> Area:
    """The monitor holding the pointer, else the whole screen Tk reports."""
    screen = Area(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
    return monitor_at(root.winfo_pointerxy(), probe.result(), screen)


def apply_scaling(root: tk.Tk, area: Area) -> float:
    """Set Tk's point size so that our design (96 dpi) grows with the screen; returns the factor."""
    dpi = float(root.winfo_fpixels("1i"))
    scale = ui_scale(dpi, area.height)
    root.tk.call("tk", "scaling", scale * 96 / 72)
    log.debug("dpi %.0f, monitor %s -> scale %.2f", dpi, area, scale)
    return scale


def font_family(root: tk.Misc) -> str:
    """The first of FAMILIES installed here, else Tk's default family."""
    installed = set(tkfont.families(root))
    for family in FAMILIES:
        if family in installed:
            return family
    return str(tkfont.nametofont("TkDefaultFont", root).actual("family"))


def fonts(root: tk.Misc) -> dict[str, Any]:
    """Named font tuples used by the window, in points (so Tk scaling applies)."""
    fam = font_family(root)
    return {
        "tag": (fam, 9, "bold"),
        "name": (fam, 19, "bold"),
        "dosage": (fam, 12, "bold"),
        "body": (fam, 11, "normal"),
        "step_no": (fam, 11, "bold"),
        "why": (fam, 10, "italic"),
        "small": (fam, 9, "normal"),
        "status": (fam, 11, "bold"),
        "button": (fam, 11, "bold"),
        "pacer": (fam, 20, "bold"),
        "phase": (fam, 16, "bold"),
        "message": (fam, 14, "normal"),
    }
