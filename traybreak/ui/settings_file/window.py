"""The "where is my settings file" window (Tk, in its own child process): the path as selectable
text with a copy button, and when the file does not exist yet the command that starts one.
Tk main thread only.
"""

from __future__ import annotations

import logging
import shlex
import tkinter as tk
from pathlib import Path

from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw

log = logging.getLogger(__name__)

TITLE = "Settings file · traybreak"
EXISTS = ("Open it in any text editor: traybreak picks up your changes within a minute of "
          "saving. `traybreak config defaults` prints every setting with its default.")
MISSING = ("It does not exist yet, so traybreak runs on its defaults. To start one from the "
           "defaults, run this in a terminal, then open the file in any text editor:")


def show_settings_file(path: Path) -> None:
    """Open the window and return when it is closed (Close, Esc, Enter or the WM)."""
    screen = sw.open_screen(TITLE)
    root, px, fonts = screen.root, screen.px, screen.fonts
    sw.header(screen, root, "Settings", "Your settings file")
    body = tk.Frame(root, bg=palette.BODY_BG)
    body.pack(fill=tk.BOTH, padx=px(20), pady=(px(14), 0))
    widgets: dict[str, tk.Misc] = {}
    rows = [_copyable(screen, body, str(path), "Copy path")]
    exists = path.exists()
    note = sw.label(body, EXISTS if exists else MISSING, fonts["body"])
    note.pack(fill=tk.X, pady=(px(10), px(6)))
    if not exists:
        start = (f"mkdir -p {shlex.quote(str(path.parent))} && "
                 f"traybreak config defaults > {shlex.quote(str(path))}")
        rows.append(_copyable(screen, body, start, "Copy command"))
    widgets.update(zip(("copy-path", "copy-command"), (r.button for r in rows), strict=False))
    root.update_idletasks()  # the text wraps at the width the paths need, at least 460 px
    note.configure(wraplength=max([px(460), *(row.winfo_reqwidth() for row in rows)]))
    widgets["close"] = sw.footer(screen, "Esc closes")
    sw.present(screen, widgets)
    root.mainloop()


class _Row(tk.Frame):
    """A line of the window holding a copy ``button``."""

    button: tk.Button


def _copyable(screen: sw.Screen, parent: tk.Frame, text: str, action: str) -> _Row:
    """``text`` as a read-only entry (selectable) with a button that copies it."""
    row = _Row(parent, bg=palette.BODY_BG)
    row.pack(fill=tk.X, pady=screen.px(2))
    entry = tk.Entry(row, font=screen.fonts["small"], relief=tk.FLAT, bd=0, highlightthickness=0,
                     readonlybackground=palette.BUTTON_BG, fg=palette.TEXT,
                     width=min(72, max(30, len(text) + 1)))
    entry.insert(0, text)
    entry.configure(state="readonly")
    entry.pack(side=tk.LEFT, fill=tk.X, expand=True, ipady=screen.px(5), padx=(0, screen.px(8)))

    def copy() -> None:
        # On X11 the clipboard is served by this window: it lasts while the window is open
        # (longer with a clipboard manager); selecting the text also fills the primary selection.
        screen.root.clipboard_clear()
        screen.root.clipboard_append(text)
        entry.selection_range(0, tk.END)
        button.configure(text="Copied")

    button = row.button = sw.button(screen, row, action, copy)
    button.pack(side=tk.RIGHT)
    return row
