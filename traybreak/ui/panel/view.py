"""Builds the panel popup's widgets from its rows: a 1 px outline, a slim band with the title and
the status header (wrapped to the menu's width), plain rows with a gutter (where the check box
goes), group headings with chips, separators. Layout only; behaviour (pointer, keys, grab,
result) lives in ui/panel/window.py. Tk main thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Sequence
from dataclasses import dataclass, field

from traybreak.core.model import Kind
from traybreak.ui.panel.layout import Choice, Row, focus_order, header_lines
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw

log = logging.getLogger(__name__)

CHIPS_MAX_WIDTH = 330    # design px: wider groups wrap onto a second line
GUTTER = 30              # design px: the check-box column, also the rows' text indent
HEADER_MIN_WIDTH = 180   # design px: the header wraps at the menu's width, never narrower


@dataclass
class Target:
    """Something keyboard focus and the pointer can land on: a whole row or one chip."""

    choice: Choice
    row: int
    widgets: list[tk.Misc] = field(default_factory=list)
    chip_colours: tuple[str, str, str, str] | None = None   # bg, fg, hover bg, hover fg


@dataclass
class View:
    """The widgets behaviour code needs: targets in focus order, and each row's line by label."""

    targets: list[Target]
    row_lines: dict[str, tk.Frame] = field(default_factory=dict)
    chip_rows: list[tuple[tk.Frame, list[tk.Label]]] = field(default_factory=list)


def build(screen: sw.Screen, rows: Sequence[Row], header: str) -> View:
    """Create the popup's widgets in ``screen.root``; returns what behaviour code needs."""
    root, px = screen.root, screen.px
    root.configure(bg=sw.BORDER)
    frame = tk.Frame(root, bg=palette.BODY_BG)
    frame.pack(padx=1, pady=1, fill=tk.BOTH, expand=True)
    band = tk.Frame(frame, bg=sw.APP_BAND)
    band.pack(fill=tk.X)
    title = sw.label(band, "traybreak", screen.fonts["heading"], "#FFFFFF", sw.APP_BAND)
    title.pack(side=tk.LEFT, anchor=tk.W, padx=(px(12), px(16)), pady=px(7))
    body = tk.Frame(frame, bg=palette.BODY_BG)
    body.pack(fill=tk.BOTH, expand=True, pady=(px(4), px(5)))
    order = {pos: n for n, pos in enumerate(focus_order(rows))}
    view = View([Target(rows[r].choices[c], r) for r, c in order])
    for index, row in enumerate(rows):
        _row(screen, view, body, index, row, order)
    root.update_idletasks()
    for chips, made in view.chip_rows:
        sw.flow(chips, made, px(CHIPS_MAX_WIDTH), px(6), px(4), balanced=True)
    if header:
        _header(screen, band, title, header, body.winfo_reqwidth())
    return view


def _header(screen: sw.Screen, band: tk.Frame, title: tk.Label, header: str, width: int) -> None:
    """The status line: beside the title when it fits, else under it, wrapped between its parts
    to the menu's ``width`` (six rules on one line made the menu 1,250 px wide)."""
    px, font = screen.px, screen.fonts["small"]
    measure = tkfont.Font(root=band, font=font).measure
    if measure(header) <= width - title.winfo_reqwidth() - px(40):
        sw.label(band, header, font, sw.APP_TINT, sw.APP_BAND).pack(
            side=tk.RIGHT, padx=(0, px(12)), pady=px(7))
        return
    lines = header_lines(header, measure, max(width - px(24), px(HEADER_MIN_WIDTH)))
    title.pack_configure(side=tk.TOP, pady=(px(7), px(2)))
    sw.label(band, "\n".join(lines), font, sw.APP_TINT, sw.APP_BAND).pack(
        side=tk.TOP, fill=tk.X, padx=px(12), pady=(0, px(7)))


def _row(screen: sw.Screen, view: View, body: tk.Frame, index: int, row: Row,
         order: dict[tuple[int, int], int]) -> None:
    px = screen.px
    if row.kind == "separator":
        tk.Frame(body, bg=palette.RULE, height=1).pack(fill=tk.X, padx=px(10), pady=px(4))
        return
    line = tk.Frame(body, bg=palette.BODY_BG)
    line.pack(fill=tk.X)
    view.row_lines[row.label] = line
    fg = palette.TEXT if row.enabled else palette.DISABLED_TEXT
    if row.kind == "group":  # a heading, not a choice: quieter than the rows
        fg = palette.MUTED if row.enabled else palette.DISABLED_TEXT
    gutter = tk.Frame(line, bg=palette.BODY_BG, width=px(GUTTER), height=1)
    gutter.pack(side=tk.LEFT, fill=tk.Y)
    gutter.pack_propagate(False)
    if row.kind == "check":
        _checkbox(screen, gutter, row.checked, row.enabled)
    text = sw.label(line, row.label, screen.fonts["body"], fg)
    text.pack(side=tk.LEFT, fill=tk.X, expand=True, padx=(0, px(18)), pady=px(5))
    if row.kind == "group":
        chips = tk.Frame(body, bg=palette.BODY_BG)
        chips.pack(fill=tk.X, padx=(px(GUTTER), px(12)), pady=(0, px(4)))
        made = [_chip(screen, view, chips, choice, order.get((index, c)))
                for c, choice in enumerate(row.choices)]
        view.chip_rows.append((chips, made))
    elif (index, 0) in order:
        target = view.targets[order[(index, 0)]]
        target.widgets = [line, gutter, text, *gutter.winfo_children()]
        for widget in target.widgets:
            widget["cursor"] = "hand2"


def _checkbox(screen: sw.Screen, gutter: tk.Frame, checked: bool, enabled: bool) -> None:
    """A crisp square box drawn on a canvas (Tk's own indicator looks dated on X11)."""
    px = screen.px
    size = px(14)
    canvas = tk.Canvas(gutter, width=size, height=size, bg=palette.BODY_BG, highlightthickness=0,
                       bd=0)
    canvas.place(relx=0.5, rely=0.5, anchor=tk.CENTER)
    colour = sw.APP_BAND if enabled else palette.DISABLED_TEXT
    if checked:
        canvas.create_rectangle(0, 0, size - 1, size - 1, fill=colour, outline=colour)
        tick = [size * 0.22, size * 0.52, size * 0.42, size * 0.72, size * 0.78, size * 0.28]
        canvas.create_line(tick, fill="#FFFFFF", width=max(2, px(2)), capstyle=tk.ROUND,
                           joinstyle=tk.ROUND)
    else:
        canvas.create_rectangle(1, 1, size - 2, size - 2, outline=palette.MUTED,
                                width=max(1, px(1.3)))


def _chip(screen: sw.Screen, view: View, parent: tk.Frame, choice: Choice,
          target: int | None) -> tk.Label:
    px = screen.px
    colours = chip_colours(choice)
    chip = tk.Label(parent, text=choice.label, font=screen.fonts["body"], bg=colours[0],
                    fg=colours[1], bd=0, padx=px(10), pady=px(3),
                    cursor="hand2" if target is not None else "arrow")
    if target is not None:
        view.targets[target].widgets = [chip]
        view.targets[target].chip_colours = colours
    return chip


def chip_colours(choice: Choice) -> tuple[str, str, str, str]:
    """bg, fg, highlighted bg and fg of a chip; break-now chips wear their kind's colours."""
    if not choice.active:
        return "#F0F1F2", palette.DISABLED_TEXT, "#F0F1F2", palette.DISABLED_TEXT
    verb, _, arg = (choice.command or "").partition(" ")
    if verb == "break-now" and arg in {k.value for k in Kind}:
        style = palette.style_for(Kind(arg))
        return style.tint, style.band, style.band, style.on_band
    return palette.BUTTON_BG, palette.TEXT, sw.APP_BAND, "#FFFFFF"
