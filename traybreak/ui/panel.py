"""The tray menu as a small popup (Tk, in its own child process) for tray backends with no native
menu (pystray's xorg): opens at the pointer, wholly on screen, and ends with one result — a click
or Enter on an entry gives its command; Esc, a click elsewhere or the timeout give None.

Why a borderless window with a global grab, as X menus do it: an override-redirect window gets no
title bar on any window manager and opens exactly where it is put, and the pointer+keyboard grab
makes keys reach it and reports a click anywhere else (no focus tricks that vary per WM). If the
grab cannot be taken (another program holds one), losing focus closes the popup instead.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from traybreak.core.model import Kind
from traybreak.ui import prompt_layout as lay
from traybreak.ui import small_window as sw
from traybreak.ui.menu import MenuEntry
from traybreak.ui.panel_layout import (
    PANEL_TITLE,
    Choice,
    Row,
    chip_lines,
    focus_order,
    popup_position,
    rows_from_entries,
)

log = logging.getLogger(__name__)

GRAB_TRIES = 20          # x 50 ms: another client (the tray's own click) may hold a grab briefly
CHIPS_MAX_WIDTH = 330    # design px: wider groups wrap onto a second line
GUTTER = 30              # design px: the check-box column, also the rows' text indent


@dataclass
class Target:
    """Something keyboard focus and the pointer can land on: a whole row or one chip."""

    choice: Choice
    row: int
    widgets: list[tk.Misc] = field(default_factory=list)
    chip_colours: tuple[str, str, str, str] | None = None   # bg, fg, hover bg, hover fg


def run_panel(entries: Sequence[MenuEntry], *, header: str = "", timeout_s: float = 30.0,
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
        self.targets: list[Target] = []
        self.current: int | None = None
        self.pressed: int | None = None
        self.grabbed = False
        self._timer: str | None = None
        self._chip_frames: list[tuple[tk.Frame, list[tk.Label]]] = []
        self.timeout_ms = max(1, int(timeout_s * 1000))
        self._build(header)
        self._place(at)
        self._bind()

    # -- building ----------------------------------------------------------------------------

    def _build(self, header: str) -> None:
        root, px = self.screen.root, self.screen.px
        root.configure(bg=sw.BORDER)
        frame = tk.Frame(root, bg=lay.BODY_BG)
        frame.pack(padx=1, pady=1, fill=tk.BOTH, expand=True)
        band = tk.Frame(frame, bg=sw.APP_BAND)
        band.pack(fill=tk.X)
        sw.label(band, "traybreak", self.screen.fonts["heading"], "#FFFFFF", sw.APP_BAND).pack(
            side=tk.LEFT, padx=(px(12), px(16)), pady=px(7))
        if header:
            sw.label(band, header, self.screen.fonts["small"], sw.APP_TINT, sw.APP_BAND).pack(
                side=tk.RIGHT, padx=(0, px(12)), pady=px(7))
        body = tk.Frame(frame, bg=lay.BODY_BG)
        body.pack(fill=tk.BOTH, expand=True, pady=(px(4), px(5)))
        order = {pos: n for n, pos in enumerate(focus_order(self.rows))}
        self.targets = [Target(self.rows[r].choices[c], r) for r, c in order]
        for index, row in enumerate(self.rows):
            self._row(body, index, row, order)
        root.update_idletasks()
        for chips in self._chip_frames:
            self._wrap_chips(*chips)

    def _row(self, body: tk.Frame, index: int, row: Row, order: dict[tuple[int, int], int]) -> None:
        px, fonts = self.screen.px, self.screen.fonts
        if row.kind == "separator":
            tk.Frame(body, bg=lay.RULE, height=1).pack(fill=tk.X, padx=px(10), pady=px(4))
            return
        line = tk.Frame(body, bg=lay.BODY_BG)
        line.pack(fill=tk.X)
        fg = lay.TEXT if row.enabled else lay.DISABLED_TEXT
        if row.kind == "group":  # a heading, not a choice: quieter than the rows
            fg = lay.MUTED if row.enabled else lay.DISABLED_TEXT
        gutter = tk.Frame(line, bg=lay.BODY_BG, width=px(GUTTER), height=1)
        gutter.pack(side=tk.LEFT, fill=tk.Y)
        gutter.pack_propagate(False)
        if row.kind == "check":
            self._checkbox(gutter, row.checked, row.enabled)
        text = sw.label(line, row.label, fonts["body"], fg)
        text.pack(side=tk.LEFT, fill=tk.X, expand=True, padx=(0, px(18)), pady=px(5))
        if row.kind == "group":
            chips = tk.Frame(body, bg=lay.BODY_BG)
            chips.pack(fill=tk.X, padx=(px(GUTTER), px(12)), pady=(0, px(4)))
            made = [self._chip(chips, choice, order.get((index, c)))
                    for c, choice in enumerate(row.choices)]
            self._chip_frames.append((chips, made))
        elif (index, 0) in order:
            target = self.targets[order[(index, 0)]]
            target.widgets = [line, gutter, text, *gutter.winfo_children()]
            for widget in target.widgets:
                widget["cursor"] = "hand2"

    def _checkbox(self, gutter: tk.Frame, checked: bool, enabled: bool) -> None:
        px = self.screen.px
        size = px(14)
        canvas = tk.Canvas(gutter, width=size, height=size, bg=lay.BODY_BG, highlightthickness=0,
                           bd=0)
        canvas.place(relx=0.5, rely=0.5, anchor=tk.CENTER)
        colour = sw.APP_BAND if enabled else lay.DISABLED_TEXT
        if checked:
            canvas.create_rectangle(0, 0, size - 1, size - 1, fill=colour, outline=colour)
            tick = [size * 0.22, size * 0.52, size * 0.42, size * 0.72, size * 0.78, size * 0.28]
            canvas.create_line(tick, fill="#FFFFFF", width=max(2, px(2)), capstyle=tk.ROUND,
                               joinstyle=tk.ROUND)
        else:
            canvas.create_rectangle(1, 1, size - 2, size - 2, outline=lay.MUTED,
                                    width=max(1, px(1.3)))

    def _chip(self, parent: tk.Frame, choice: Choice, target: int | None) -> tk.Label:
        px = self.screen.px
        colours = _chip_colours(choice)
        chip = tk.Label(parent, text=choice.label, font=self.screen.fonts["body"], bg=colours[0],
                        fg=colours[1], bd=0, padx=px(10), pady=px(3),
                        cursor="hand2" if target is not None else "arrow")
        if target is not None:
            self.targets[target].widgets = [chip]
            self.targets[target].chip_colours = colours
        return chip

    def _wrap_chips(self, frame: tk.Frame, chips: list[tk.Label]) -> None:
        """Put the chips (children of ``frame``) on as few, as even lines as fit."""
        px = self.screen.px
        widths = [chip.winfo_reqwidth() for chip in chips]
        for line in chip_lines(widths, px(CHIPS_MAX_WIDTH), px(6), balanced=True):
            holder = tk.Frame(frame, bg=lay.BODY_BG)
            holder.pack(fill=tk.X, pady=(0, px(4)))
            for col, index in enumerate(line):
                chips[index].pack(in_=holder, side=tk.LEFT, padx=(0 if col == 0 else px(6), 0))
                chips[index].lift(holder)  # made before its holder: would be hidden beneath it

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
            self._grab(GRAB_TRIES)
            sw.report_geometry(self.screen, self._geometry_widgets(),
                               {"title": PANEL_TITLE, "grabbed": self.grabbed})

    def _grab(self, tries: int) -> None:
        root = self.screen.root
        if self.ended:
            return
        try:
            root.grab_set_global()
            self.grabbed = True
        except tk.TclError as err:  # "grab failed: another application has grab"
            if tries > 0:
                root.after(50, self._grab, tries - 1)
            else:
                log.info("no pointer grab (%s): a focus change will close the panel", err)
        root.focus_force()

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
        self._touch()
        under = self._target_at(event.x_root, event.y_root)
        if under is not False and under != self.current:
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
            self.screen.root.after(150, self._check_focus)

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

    def _paint(self, target: Target, on: bool) -> None:
        if target.chip_colours is not None:
            bg, fg, hover_bg, hover_fg = target.chip_colours
            target.widgets[0]["bg"] = hover_bg if on else bg
            target.widgets[0]["fg"] = hover_fg if on else fg
            return
        for widget in target.widgets:
            widget["bg"] = sw.APP_TINT if on else lay.BODY_BG

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


def _chip_colours(choice: Choice) -> tuple[str, str, str, str]:
    """bg, fg, highlighted bg and fg of a chip; break-now chips wear their kind's colours."""
    if not choice.active:
        return "#F0F1F2", lay.DISABLED_TEXT, "#F0F1F2", lay.DISABLED_TEXT
    verb, _, arg = (choice.command or "").partition(" ")
    if verb == "break-now" and arg in {k.value for k in Kind}:
        style = lay.style_for(Kind(arg))
        return style.tint, style.band, style.band, style.on_band
    return lay.BUTTON_BG, lay.TEXT, sw.APP_BAND, "#FFFFFF"
