"""The tray menu as a small popup (Tk, in its own child process) for tray backends with no native
menu (pystray's xorg): opens at the pointer, wholly on screen, and ends with one result — a click
or Enter on an entry gives its command; Esc, a click elsewhere or the timeout give None. The
timeout counts from the last key or pointer move over the popup, and ends it at the latest
PANEL_LONGEST timeouts after it opened.

Why a borderless window with a global grab, as X menus do it: an override-redirect window gets no
title bar on any window manager and opens exactly where it is put, and the pointer+keyboard grab
makes keys reach it (no WM gives such a window the focus: openbox keeps it) and reports a click
anywhere else. If the grab cannot be taken (another program holds one for over a second), the
popup turns into an ordinary WM-managed window, which gets the focus; losing it closes the popup.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence

from traybreak.ui.menu import MenuEntry
from traybreak.ui.panel import view as panel_view
from traybreak.ui.panel.layout import PANEL_TITLE, Row, popup_position, rows_from_entries
from traybreak.ui.protocol import PANEL_LONGEST, PANEL_TIMEOUT
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw

log = logging.getLogger(__name__)


def run_panel(entries: Sequence[MenuEntry], *, header: str = "",
              timeout_s: float = PANEL_TIMEOUT.total_seconds(),
              at: tuple[int, int] | None = None) -> tuple[str | None, str]:
    """Show the popup until something is chosen or it is dismissed: (command or None, how)."""
    screen = sw.open_screen(PANEL_TITLE, at)
    panel = Panel(screen, rows_from_entries(entries), header, timeout_s, at)
    screen.root.mainloop()
    return panel.command, panel.via


class Panel:
    """One popup on screen; ``command`` and ``via`` are set when it ends."""

    def __init__(self, screen: sw.Screen, rows: Sequence[Row], header: str, timeout_s: float,
                 at: tuple[int, int] | None) -> None:
        self.screen, self.rows = screen, tuple(rows)
        self.command: str | None = None
        self.via = "lost"
        self.ended = False
        self.current: int | None = None
        self.pressed: int | None = None
        self.grabbed = False
        self._timer: str | None = None
        self.timeout_ms = max(1, int(timeout_s * 1000))
        # However busy the user, the popup ends this long after it opened (the tray's deadline
        # comes later): a pointer that never rests must not keep a grabbed popup forever.
        screen.root.after(PANEL_LONGEST * self.timeout_ms, lambda: self.finish(None, "timeout"))
        self.view = panel_view.build(screen, self.rows, header)
        self.targets = self.view.targets
        self._place(at)
        self._bind()

    def _place(self, at: tuple[int, int] | None) -> None:
        root = self.screen.root
        root.update_idletasks()
        pointer = at if at is not None else root.winfo_pointerxy()
        size = (root.winfo_reqwidth(), root.winfo_reqheight())
        x, y = popup_position(pointer, size, self.screen.area)
        root.geometry(f"+{x}+{y}")
        windowing = root.tk.call("tk", "windowingsystem")
        if windowing != "aqua":  # macOS: a borderless window cannot take key focus there
            root.overrideredirect(True)
        if windowing == "x11":
            root.attributes("-type", "popup_menu")  # for compositors: shadows, no animation
        root.attributes("-topmost", True)
        log.debug("panel %sx%s at %s,%s (pointer %s, area %s)", *size, x, y, pointer,
                  self.screen.area)

    # -- events ------------------------------------------------------------------------------

    def _bind(self) -> None:
        root = self.screen.root
        keys = {"<Escape>": lambda: self.finish(None, "escape"),
                "<Down>": lambda: self.move(1), "<Tab>": lambda: self.move(1),
                "<Up>": lambda: self.move(-1), "<ISO_Left_Tab>": lambda: self.move(-1),
                "<Shift-Tab>": lambda: self.move(-1), "<Right>": lambda: self.move(1, True),
                "<Left>": lambda: self.move(-1, True), "<Home>": lambda: self.focus(0),
                "<End>": lambda: self.focus(len(self.targets) - 1),
                "<Return>": self.activate, "<KP_Enter>": self.activate, "<space>": self.activate}
        for sequence, action in keys.items():
            root.bind(sequence, self._key(action))
        root.bind("<Motion>", self._motion)
        root.bind("<ButtonPress>", self._press)
        root.bind("<ButtonRelease-1>", self._release)
        root.bind("<FocusOut>", self._focus_out)
        root.bind("<Map>", self._mapped)
        root.protocol("WM_DELETE_WINDOW", lambda: self.finish(None, "closed"))
        root.deiconify()

    def _key(self, action: Callable[[], None]) -> Callable[[tk.Event[tk.Misc]], str]:
        def handler(_event: tk.Event[tk.Misc]) -> str:
            self._touch()
            action()
            return "break"
        return handler

    def _mapped(self, event: tk.Event[tk.Misc]) -> None:
        if event.widget is self.screen.root and self._timer is None:
            self._touch()
            self._grab()

    def _grab(self) -> None:
        """Take the pointer and keyboard. Tk itself retries for about a second while another
        client holds a grab (e.g. the button of the click that opened us), so no loop here."""
        root = self.screen.root
        try:
            root.grab_set_global()
            self.grabbed = True
        except tk.TclError as err:  # "grab failed: another application has grab"
            log.info("no pointer grab (%s): showing the panel as a normal window", err)
            self._become_window()
            return
        root.focus_force()
        self._report()

    def _become_window(self) -> None:
        """Without the grab, a borderless window never gets the keyboard (the window manager
        keeps the focus): let the WM manage it instead, so it is focused and a focus change
        closes it like a click elsewhere would."""
        root = self.screen.root
        x, y = root.winfo_rootx(), root.winfo_rooty()
        root.withdraw()
        root.overrideredirect(False)
        if root.tk.call("tk", "windowingsystem") == "x11":
            root.attributes("-type", "dialog")
        root.geometry(f"+{x}+{y}")
        root.deiconify()
        root.after(100, self._focus_window)

    def _focus_window(self) -> None:
        self.screen.root.focus_force()
        self._report()

    def _report(self) -> None:
        """Test hook: where every entry is, once the panel is ready for input."""
        self.screen.root.update_idletasks()
        rows = {label: sw.box(line) for label, line in self.view.row_lines.items()}
        sw.report_geometry(self.screen, self._geometry_widgets(),
                           {"title": PANEL_TITLE, "grabbed": self.grabbed, "rows": rows})

    def _target_at(self, x_root: int, y_root: int) -> int | bool | None:
        """Index of the target under the point; None inside but on no target; False outside."""
        widget = self.screen.root.winfo_containing(x_root, y_root)
        if widget is None or widget.winfo_toplevel() is not self.screen.root:
            return False
        for index, target in enumerate(self.targets):
            if widget in target.widgets:
                return index
        return None

    def _motion(self, event: tk.Event[tk.Misc]) -> None:
        under = self._target_at(event.x_root, event.y_root)
        if under is False:  # the grab reports the pointer anywhere: only over us is activity
            return
        self._touch()
        if under != self.current:
            self.focus(under)

    def _press(self, event: tk.Event[tk.Misc]) -> None:
        under = self._target_at(event.x_root, event.y_root)
        if under is False:
            self.finish(None, "outside")
        else:
            self.pressed = under if int(event.num) == 1 else None

    def _release(self, event: tk.Event[tk.Misc]) -> None:
        under = self._target_at(event.x_root, event.y_root)
        if under is not False and under is not None and under == self.pressed:
            self.focus(under)
            self.activate(via="click")
        self.pressed = None

    def _focus_out(self, _event: tk.Event[tk.Misc]) -> None:
        if not self.grabbed:  # with the grab held, focus churn (WM, xdotool) means nothing
            self.screen.root.after(150, self._check_focus)  # focus may just move inside us

    def _check_focus(self) -> None:
        if not self.ended and self.screen.root.focus_get() is None:
            self.finish(None, "focus-lost")

    def _touch(self) -> None:
        """Activity: restart the timeout."""
        root = self.screen.root
        if self._timer is not None:
            root.after_cancel(self._timer)
        self._timer = root.after(self.timeout_ms, lambda: self.finish(None, "timeout"))

    # -- focus and choosing ------------------------------------------------------------------

    def move(self, step: int, within_row: bool = False) -> None:
        """Keyboard focus to the next (+1) or previous (-1) target, wrapping around."""
        if not self.targets:
            return
        if self.current is None:
            self.focus(0 if step > 0 else len(self.targets) - 1)
            return
        following = (self.current + step) % len(self.targets)
        if within_row and self.targets[following].row != self.targets[self.current].row:
            return
        self.focus(following)

    def focus(self, index: int | None) -> None:
        """Highlight target ``index`` (None: nothing)."""
        if self.current is not None:
            self._paint(self.targets[self.current], False)
        self.current = index
        if index is not None:
            self._paint(self.targets[index], True)

    def _paint(self, target: panel_view.Target, on: bool) -> None:
        if target.chip_colours is not None:
            bg, fg, hover_bg, hover_fg = target.chip_colours
            target.widgets[0]["bg"] = hover_bg if on else bg
            target.widgets[0]["fg"] = hover_fg if on else fg
            return
        for widget in target.widgets:
            widget["bg"] = sw.APP_TINT if on else palette.BODY_BG

    def activate(self, via: str = "key") -> None:
        """Choose the highlighted target, if any."""
        if self.current is not None:
            self.finish(self.targets[self.current].choice.command, via)

    def finish(self, command: str | None, via: str) -> None:
        """Record the result and close (ends mainloop)."""
        if self.ended:
            return
        self.ended, self.command, self.via = True, command, via
        log.debug("panel ends: %s via %s", command, via)
        self.screen.root.destroy()

    def _geometry_widgets(self) -> dict[str, tk.Misc]:
        out: dict[str, tk.Misc] = {}
        for target in self.targets:
            if target.choice.command is not None and target.widgets:
                out.setdefault(target.choice.command, target.widgets[0])
        return out
