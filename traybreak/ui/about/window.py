"""The about window (Tk, in its own child process): the facts of ui/about/text.py in the prompt
window's look, with the file locations as selectable text. Tk main thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk

from traybreak.ui.about.text import ABOUT_TITLE, LICENCE, PRIVACY, PURPOSE, AboutInfo
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw
from traybreak.ui.toolkit.wording import DISCLAIMER

log = logging.getLogger(__name__)


def show_about(info: AboutInfo) -> None:
    """Open the about window and return when it is closed (Close, Esc, Enter or the WM)."""
    screen = sw.open_screen(ABOUT_TITLE)
    root, px, fonts = screen.root, screen.px, screen.fonts
    sw.header(screen, root, "About", f"traybreak {info.version}", icon=True)
    body = tk.Frame(root, bg=palette.BODY_BG)
    body.pack(fill=tk.BOTH, padx=px(20), pady=(px(14), 0))
    wrapped = [sw.label(body, PURPOSE, fonts["body"]),
               sw.label(body, DISCLAIMER, fonts["small"], palette.MUTED)]
    wrapped[0].pack(fill=tk.X)
    wrapped[1].pack(fill=tk.X, pady=(px(6), px(14)))
    sw.label(body, "Where things are", fonts["heading"]).pack(fill=tk.X, pady=(0, px(4)))
    places = _places(screen, body, info)
    wrapped.append(sw.label(body, PRIVACY, fonts["body"]))
    wrapped[2].pack(fill=tk.X, pady=(px(14), 0))
    sw.label(body, LICENCE, fonts["small"], palette.MUTED).pack(fill=tk.X, pady=(px(4), 0))
    root.update_idletasks()  # text wraps at the width the file paths need, at least 460 px
    for label in wrapped:
        label.configure(wraplength=max(px(460), places.winfo_reqwidth()))
    close = sw.footer(screen, "Esc closes")
    sw.present(screen, {"close": close})
    root.mainloop()


def _places(screen: sw.Screen, body: tk.Frame, info: AboutInfo) -> tk.Frame:
    """The paths as read-only entries: selectable, so they can be copied."""
    grid = tk.Frame(body, bg=palette.BODY_BG)
    grid.pack(fill=tk.X)
    grid.columnconfigure(1, weight=1)
    longest = max(len(where) for _, where in info.places)
    for n, (what, where) in enumerate(info.places):
        sw.label(grid, what, screen.fonts["small"], palette.MUTED).grid(
            row=n, column=0, sticky=tk.W, padx=(0, screen.px(12)), pady=screen.px(1))
        entry = tk.Entry(grid, font=screen.fonts["small"], relief=tk.FLAT, bd=0,
                         highlightthickness=0, readonlybackground=palette.BODY_BG, fg=palette.TEXT,
                         width=min(72, max(30, longest + 1)))
        entry.insert(0, where)
        entry.configure(state="readonly")
        entry.grid(row=n, column=1, sticky=tk.EW, pady=screen.px(1))
    return grid
