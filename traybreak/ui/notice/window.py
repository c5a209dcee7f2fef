"""The notice toast (Tk, in its own child process): one line saying a break is near, in a small
borderless window beside the tray icon. It never takes the focus, closes by itself after its
time or at a click, and says which of the two as its result. Tk main thread only.
"""

from __future__ import annotations

import logging
import sys
import tkinter as tk

from traybreak.ui.notice.layout import NOTICE_TITLE, toast_position
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw
from traybreak.ui.toolkit.geometry import Area

log = logging.getLogger(__name__)

STRIPE = 6       # design pixels: the app's colour down the toast's left side
WRAP = 320       # design pixels: longer text wraps


def show_notice(text: str, lasting_s: float, icon: Area | None = None) -> str:
    """Show ``text`` until ``lasting_s`` seconds have passed ("timeout") or it is clicked
    ("click"); ``icon``: the tray icon's box on the screen, to open beside it."""
    point = (icon.x + icon.width // 2, icon.y + icon.height // 2) if icon else None
    screen = sw.open_screen(NOTICE_TITLE, point)
    toast = Toast(screen, text, icon)
    screen.root.after(max(1, int(lasting_s * 1000)), lambda: toast.close("timeout"))
    screen.root.mainloop()
    return toast.via


class Toast:
    """One toast on screen; ``via`` says how it ended."""

    def __init__(self, screen: sw.Screen, text: str, icon: Area | None) -> None:
        self.screen, self.via = screen, "lost"
        root, px, fonts = screen.root, screen.px, screen.fonts
        frame = tk.Frame(root, bg=palette.BODY_BG, highlightthickness=1,
                         highlightbackground=sw.BORDER, bd=0)
        frame.pack(fill=tk.BOTH)
        tk.Frame(frame, bg=sw.APP_BAND, width=px(STRIPE)).pack(side=tk.LEFT, fill=tk.Y)
        body = tk.Frame(frame, bg=palette.BODY_BG)
        body.pack(side=tk.LEFT, fill=tk.BOTH, padx=(px(12), px(16)), pady=px(10))
        self.message = sw.label(body, text, fonts["bold"], wraplength=px(WRAP))
        self.message.pack(fill=tk.X)
        sw.label(body, "traybreak · click to close", fonts["small"], palette.MUTED).pack(
            fill=tk.X, pady=(px(2), 0))
        for widget in (root, frame, body, *body.winfo_children()):
            widget.bind("<ButtonRelease-1>", lambda _e: self.close("click"))
        self._place(icon)
        root.deiconify()

    def _place(self, icon: Area | None) -> None:
        root = self.screen.root
        root.update_idletasks()
        size = (root.winfo_reqwidth(), root.winfo_reqheight())
        x, y = toast_position(size, self.screen.area, icon, sys.platform)
        root.geometry(f"+{x}+{y}")
        # Borderless and unmanaged: no title bar, no taskbar entry, never the focus (the user
        # keeps typing where they were), exactly where it is put.
        root.overrideredirect(True)
        if root.tk.call("tk", "windowingsystem") == "x11":
            root.attributes("-type", "notification")  # compositors: a notification's effects
        root.attributes("-topmost", True)
        log.debug("notice %sx%s at %s,%s (icon %s, area %s)", *size, x, y, icon, self.screen.area)

    def close(self, via: str) -> None:
        """End the toast (ends mainloop)."""
        if self.via == "lost":
            self.via = via
            self.screen.root.destroy()
