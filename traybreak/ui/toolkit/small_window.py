"""Tk scaffolding shared by the small windows (panel, history, about): the scaled root on the
pointer's monitor, fonts in the prompt window's family, its palette, header band and flat buttons,
and the test hook that writes widget positions. Tk main thread only.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import time
import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from traybreak.ui.toolkit import geometry, palette
from traybreak.ui.toolkit.geometry import chip_lines
from traybreak.ui.toolkit.lifeline import watch_tray
from traybreak.ui.toolkit.screen import (
    MonitorProbe,
    apply_scaling,
    font_family,
    make_dpi_aware,
    pointer_area,
)

log = logging.getLogger(__name__)

GEOMETRY_ENV = "TRAYBREAK_TEST_GEOMETRY_FILE"  # same hook as the prompt window's
APP_BAND = palette.style_for(None).band            # the app's own colour (reminders use it too)
APP_TINT = palette.style_for(None).tint
BORDER = "#AEB6BE"                              # the popup's 1 px outline


@dataclass
class Screen:
    """A root window placed on a monitor, with its scale factor and fonts."""

    root: tk.Tk
    area: geometry.Area
    scale: float
    fonts: dict[str, Any]

    def px(self, design: float) -> int:
        """A design-pixel length (at 96 dpi) in real pixels."""
        return max(1, round(design * self.scale))


def open_screen(title: str, point: tuple[int, int] | None = None) -> Screen:
    """A withdrawn Tk root titled ``title``, scaled for the monitor under the pointer (or
    under ``point``, in root-window coordinates); started by the tray, it closes when the tray
    ends."""
    make_dpi_aware()
    probe = MonitorProbe()
    root = tk.Tk(className="traybreak")
    root.withdraw()
    watch_tray(root, root.destroy)
    root.title(title)
    root.configure(bg=palette.BODY_BG)
    _set_icon(root)
    if point is None:
        area = pointer_area(root, probe)
    else:
        whole = geometry.Area(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
        area = geometry.monitor_at(point, probe.result(), whole)
    scale = apply_scaling(root, area)
    return Screen(root, area, scale, small_fonts(root))


def _set_icon(root: tk.Tk) -> None:
    """The app icon for the title bar and task switcher (best effort: a window works without)."""
    try:
        data = files("traybreak.icons").joinpath("traybreak.png").read_bytes()
        icon = tk.PhotoImage(master=root, data=base64.b64encode(data).decode("ascii"))
        root.iconphoto(True, icon)
        root._traybreak_icon = icon  # type: ignore[attr-defined]  # keep it from being freed
    except (OSError, tk.TclError) as err:
        log.debug("no window icon: %s", err)


def small_fonts(root: tk.Misc) -> dict[str, Any]:
    """Font tuples in points (Tk scaling applies), a notch smaller than the prompt's."""
    fam = font_family(root)
    return {
        "tag": (fam, 8, "bold"),
        "title": (fam, 15, "bold"),
        "heading": (fam, 10, "bold"),
        "body": (fam, 10, "normal"),
        "bold": (fam, 10, "bold"),
        "small": (fam, 9, "normal"),
        "big": (fam, 20, "bold"),
        "button": (fam, 10, "bold"),
    }


def label(parent: tk.Misc, text: str, font: Any, fg: str = palette.TEXT, bg: str = palette.BODY_BG,
          **kw: Any) -> tk.Label:
    """A borderless left-aligned label."""
    kw.setdefault("anchor", tk.W)
    kw.setdefault("justify", tk.LEFT)
    return tk.Label(parent, text=text, font=font, fg=fg, bg=bg, bd=0, padx=0, pady=0, **kw)


def header(screen: Screen, parent: tk.Misc, tag: str, title: str,
           icon: bool = False) -> tk.Frame:
    """The coloured band at the top: a small capitalised tag line over a bold title (and the
    app icon on the right when ``icon``)."""
    band = tk.Frame(parent, bg=APP_BAND)
    band.pack(fill=tk.X)
    picture = getattr(screen.root, "_traybreak_icon", None)
    if icon and picture is not None:
        step = max(1, round(256 / screen.px(48)))  # 256 px source, shown at about 48 px
        small = picture.subsample(step, step)
        art = tk.Label(band, image=small, bg=APP_BAND, bd=0)
        art.image = small  # type: ignore[attr-defined]  # keep a reference (Tk frees it otherwise)
        art.pack(side=tk.RIGHT, padx=screen.px(20))
    label(band, tag.upper(), screen.fonts["tag"], "#FFFFFF", APP_BAND).pack(
        fill=tk.X, padx=screen.px(20), pady=(screen.px(12), screen.px(2)))
    label(band, title, screen.fonts["title"], "#FFFFFF", APP_BAND).pack(
        fill=tk.X, padx=screen.px(20), pady=(0, screen.px(12)))
    return band


def button(screen: Screen, parent: tk.Misc, text: str, command: Callable[[], None],
           primary: bool = False) -> tk.Button:
    """A flat button like the prompt window's (primary: filled with the app colour)."""
    bg, fg = (APP_BAND, "#FFFFFF") if primary else (palette.BUTTON_BG, palette.TEXT)
    return tk.Button(
        parent, text=text, command=command, font=screen.fonts["button"], bg=bg, fg=fg,
        activebackground=darker(bg), activeforeground=fg, relief=tk.FLAT, bd=0,
        highlightthickness=0, cursor="hand2", padx=screen.px(16), pady=screen.px(6),
    )


def flow(parent: tk.Frame, widgets: Sequence[tk.Widget], max_width: int, gap: int,
         line_gap: int, *, balanced: bool = False) -> None:
    """Lay ``widgets`` (children of ``parent``) out left to right like words in a paragraph,
    within ``max_width`` pixels (``balanced``: lines evened out, for a few short chips)."""
    widths = [widget.winfo_reqwidth() for widget in widgets]
    for line in chip_lines(widths, max_width, gap, balanced=balanced):
        holder = tk.Frame(parent, bg=parent.cget("bg"))
        holder.pack(fill=tk.X, pady=(0, line_gap))
        for col, index in enumerate(line):
            widgets[index].pack(in_=holder, side=tk.LEFT, padx=(0 if col == 0 else gap, 0))
            widgets[index].lift(holder)  # made before its holder: would be hidden beneath it


class Scroller:
    """A body that scrolls up and down when it is taller than the room the monitor leaves (a
    settings file with many rules of its own); ``inner`` holds the content."""

    def __init__(self, parent: tk.Misc) -> None:
        self.outer = tk.Frame(parent, bg=palette.BODY_BG)
        self.canvas = tk.Canvas(self.outer, bg=palette.BODY_BG, highlightthickness=0, bd=0)
        self.bar = tk.Scrollbar(self.outer, orient=tk.VERTICAL, command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=self.bar.set)
        self.inner = tk.Frame(self.canvas, bg=palette.BODY_BG)
        self.canvas.create_window(0, 0, window=self.inner, anchor=tk.NW)
        self.canvas.pack(side=tk.LEFT, fill=tk.BOTH, expand=True)
        self.canvas.bind_all("<Button-4>", lambda _e: self._scroll(-1))  # X11's wheel
        self.canvas.bind_all("<Button-5>", lambda _e: self._scroll(1))
        self.canvas.bind_all("<MouseWheel>",  # Windows and macOS
                             lambda e: self._scroll(-1 if e.delta > 0 else 1))

    def fit(self, room: int, measured: bool = False) -> None:
        """Show all of ``inner``, or ``room`` pixels of it with a scroll bar beside
        (``measured``: the caller has just run Tk's pending geometry work)."""
        if not measured:
            self.inner.update_idletasks()
        width, height = self.inner.winfo_reqwidth(), self.inner.winfo_reqheight()
        self.canvas.configure(width=width, height=min(height, room),
                              scrollregion=(0, 0, width, height))
        if height > room and not self.bar.winfo_manager():
            self.bar.pack(side=tk.RIGHT, fill=tk.Y)
        elif height <= room and self.bar.winfo_manager():
            self.bar.pack_forget()

    def see(self, widget: tk.Misc) -> None:
        """Scroll so that ``widget`` (inside ``inner``) is in view (a Tab into a hidden row)."""
        if not self.bar.winfo_manager():
            return
        top = widget.winfo_rooty() - self.inner.winfo_rooty()
        bottom, shown = top + widget.winfo_height(), self.canvas.winfo_height()
        first = self.canvas.canvasy(0)
        total = max(1, self.inner.winfo_reqheight())
        if top < first:
            self.canvas.yview_moveto(top / total)
        elif bottom > first + shown:
            self.canvas.yview_moveto((bottom - shown) / total)

    def _scroll(self, step: int) -> None:
        if self.bar.winfo_manager():
            self.canvas.yview_scroll(step, "units")


def rule(screen: Screen, parent: tk.Misc, pady: tuple[int, int] = (0, 0)) -> None:
    """A thin horizontal line across ``parent``."""
    tk.Frame(parent, bg=palette.RULE, height=1).pack(fill=tk.X, padx=screen.px(20), pady=pady)


def darker(colour: str, amount: float = 0.85) -> str:
    """``colour`` (#RRGGBB) darkened, for pressed and hovered states."""
    h = colour.lstrip("#")
    r, g, b = (int(int(h[i:i + 2], 16) * amount) for i in (0, 2, 4))
    return f"#{r:02X}{g:02X}{b:02X}"


def footer(screen: Screen, hint: str) -> tk.Button:
    """A rule, then ``hint`` on the left and a Close button on the right; returns the button."""
    root, px = screen.root, screen.px
    rule(screen, root, (px(14), 0))
    row = tk.Frame(root, bg=palette.BODY_BG)
    row.pack(fill=tk.X, padx=px(20), pady=(px(10), px(14)))
    close = button(screen, row, "Close", root.destroy, primary=True)
    close.pack(side=tk.RIGHT)
    label(row, hint, screen.fonts["small"], palette.MUTED).pack(side=tk.LEFT)
    return close


def present(screen: Screen, widgets: Mapping[str, tk.Misc],
            closing_keys: Sequence[str] = ("<Escape>", "<Return>", "<KP_Enter>"),
            state: Callable[[], Mapping[str, Any]] | None = None) -> None:
    """Show a finished window: keys that close it, centred on its monitor, focused, and the
    geometry hook once it is mapped (with ``state()`` in it). It closes by ``closing_keys``
    (Esc, Enter), its button or the WM."""
    root = screen.root
    root.resizable(False, False)
    for key in closing_keys:
        root.bind(key, lambda _e: root.destroy())
    root.protocol("WM_DELETE_WINDOW", root.destroy)
    if root.tk.call("tk", "windowingsystem") == "x11":
        root.attributes("-type", "dialog")  # tiling WMs float it
    place_centred(screen)

    def mapped(event: tk.Event) -> None:
        if event.widget is root:
            at = time.time()  # the wall time it showed (bench/window_open.py)
            root.after(50, lambda: report_geometry(
                screen, widgets, {"mapped_at": at, **(state() if state else {})}))

    root.bind("<Map>", mapped)
    root.deiconify()
    root.focus_force()


def place_centred(screen: Screen) -> None:
    """Move the (still withdrawn) root to the centre of its monitor."""
    root = screen.root
    root.update_idletasks()
    x, y = geometry.centred(screen.area, root.winfo_reqwidth(), root.winfo_reqheight())
    root.geometry(f"+{x}+{y}")


def box(widget: tk.Misc) -> dict[str, int]:
    """A widget's position on the screen and its size."""
    return {"x": widget.winfo_rootx(), "y": widget.winfo_rooty(),
            "width": widget.winfo_width(), "height": widget.winfo_height()}


def report_geometry(screen: Screen, widgets: Mapping[str, tk.Misc],
                    extra: Mapping[str, Any] | None = None) -> None:
    """Test hook: when $TRAYBREAK_TEST_GEOMETRY_FILE is set, write where things are (atomic)."""
    path = os.environ.get(GEOMETRY_ENV)
    if not path:
        return
    screen.root.update_idletasks()
    data = {"window": box(screen.root), "widgets": {k: box(w) for k, w in widgets.items()},
            "area": vars(screen.area), "scale": screen.scale, **(extra or {})}
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def emit(line: str) -> None:
    """Print the window's one result line and flush it at once (the tray is waiting)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
