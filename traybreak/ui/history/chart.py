"""The history window's day chart, drawn on a Tk canvas: one stacked bar per day (done by kind,
then skipped and ignored), light grid lines, day labels with today in bold, and a legend.
Tk main thread only.
"""

from __future__ import annotations

import logging
import math
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from traybreak.core.model import Kind
from traybreak.ui.history.data import SEGMENTS, DayBar, chart_top, stack
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit.geometry import chip_lines

log = logging.getLogger(__name__)

COLOURS: dict[str, str] = {
    **{kind.value: palette.style_for(kind).band for kind in Kind},
    "reminder": palette.style_for(None).band,
    "skipped": "#9AA3AC",
    "ignored": "#D3D8DE",
}
LEGEND_LINE = 18    # design px per legend line
LEGEND = {"stretch": "Stretch", "strengthen": "Strengthen", "relax": "Relax",
          "reminder": "Reminder", "skipped": "Skipped", "ignored": "Ignored"}


def draw_chart(canvas: tk.Canvas, days: Sequence[DayBar], today: date, fonts: dict[str, Any],
               px: Callable[[float], int]) -> None:
    """Draw ``days`` into ``canvas`` (sized already), filling its whole width and height."""
    width, height = int(canvas.cget("width")), int(canvas.cget("height"))
    # Many narrow bars: room on the right so the last ("Today") label is not cut off.
    left, right, top = px(26), px(4) if len(days) <= 14 else px(24), px(16)
    shown = [name for name in SEGMENTS if name != "reminder" or any(d.reminders for d in days)]
    legend = _legend_lines(canvas, shown, fonts, px)
    legend_h, labels_h = px(4 + LEGEND_LINE * len(legend[1])), px(34)
    base = height - legend_h - labels_h
    top_value = chart_top(days)
    unit = (base - top) / top_value
    _grid(canvas, left, width - right, base, unit, top_value, fonts, px)
    slot = (width - left - right) / max(1, len(days))
    bar_w = min(px(34), slot * 0.62)
    every = label_every(slot, px(50))
    for n, bar in enumerate(days):
        centre = left + slot * (n + 0.5)
        _bar(canvas, bar, centre, bar_w, base, unit, fonts, px, numbers=slot >= px(20))
        if (len(days) - 1 - n) % every == 0:  # counted back from today: today always named
            _day_label(canvas, bar.day, bar.day == today, centre, base, fonts, px)
    if not any(d.total for d in days):
        note = canvas.create_text((left + width - right) / 2, (top + base) / 2,
                                  font=fonts["body"], fill=palette.MUTED,
                                  text="Nothing logged on these days yet")
        x0, y0, x1, y1 = canvas.bbox(note)
        behind = canvas.create_rectangle(x0 - px(8), y0 - px(4), x1 + px(8), y1 + px(4),
                                         fill=palette.BODY_BG, outline="")
        canvas.tag_lower(behind, note)  # the grid line does not run through the words
    _legend(canvas, shown, legend, height - px(LEGEND_LINE / 2), fonts, px)


def label_every(slot: float, label_width: float) -> int:
    """Label every n-th day so that day labels never overlap (1 for a week, more for a month)."""
    return max(1, math.ceil(label_width / max(slot, 1.0)))


def _day_label(canvas: tk.Canvas, day: date, is_today: bool, centre: float, base: float,
               fonts: dict[str, Any], px: Callable[[float], int]) -> None:
    day_font = (fonts["small"][0], fonts["small"][1], "bold" if is_today else "normal")
    items = (
        canvas.create_text(centre, base + px(5), text="Today" if is_today else f"{day:%a}",
                           font=day_font, fill=palette.TEXT if is_today else palette.MUTED,
                           anchor=tk.N),
        canvas.create_text(centre, base + px(19), text=f"{day.day} {day:%b}",
                           font=fonts["small"], fill=palette.MUTED, anchor=tk.N),
    )
    width = int(canvas.cget("width"))
    for item in items:  # a label under the last of many narrow bars would run off the edge
        box = canvas.bbox(item)
        if box and box[2] > width:
            canvas.move(item, width - box[2], 0)


def _grid(canvas: tk.Canvas, x0: float, x1: float, base: float, unit: float, top_value: int,
          fonts: dict[str, Any], px: Callable[[float], int]) -> None:
    step = top_value // 2
    for value in range(step, top_value + 1, step):
        y = base - value * unit
        canvas.create_line(x0, y, x1, y, fill=palette.RULE, dash=(2, 3))
        canvas.create_text(x0 - px(6), y, text=str(value), font=fonts["small"],
                           fill=palette.MUTED, anchor=tk.E)
    canvas.create_line(x0, base, x1, base, fill="#B9C0C7", width=1)


def _bar(canvas: tk.Canvas, bar: DayBar, centre: float, bar_w: float, base: float, unit: float,
         fonts: dict[str, Any], px: Callable[[float], int], *, numbers: bool = True) -> None:
    y = base
    for name, count in stack(bar):
        height = count * unit
        canvas.create_rectangle(centre - bar_w / 2, y - height, centre + bar_w / 2, y,
                                fill=COLOURS[name], outline=palette.BODY_BG, width=1)
        y -= height
    if bar.done_total and numbers:  # too narrow for a number above each bar: colours only
        canvas.create_text(centre, y - px(3), text=str(bar.done_total), font=fonts["bold"],
                           fill=palette.TEXT, anchor=tk.S)


def _legend_lines(canvas: tk.Canvas, names: Sequence[str], fonts: dict[str, Any],
                  px: Callable[[float], int]) -> tuple[list[int], list[list[int]]]:
    """Each legend entry's width, and which entries go on which line to fit the canvas."""
    font = tkfont.Font(root=canvas, font=fonts["small"])
    widths = [px(15) + font.measure(LEGEND[name]) for name in names]
    return widths, chip_lines(widths, int(canvas.cget("width")) - px(26), px(14), balanced=True)


def _legend(canvas: tk.Canvas, names: Sequence[str], layout: tuple[list[int], list[list[int]]],
            bottom: float, fonts: dict[str, Any], px: Callable[[float], int]) -> None:
    """Swatches with names, the last line centred on ``bottom``."""
    swatch, line_h = px(10), px(LEGEND_LINE)
    widths, lines = layout
    y = bottom - (len(lines) - 1) * line_h
    for line in lines:
        x: float = px(26)
        for index in line:
            colour = COLOURS[names[index]]
            canvas.create_rectangle(x, y - swatch / 2, x + swatch, y + swatch / 2, fill=colour,
                                    outline=colour)
            canvas.create_text(x + swatch + px(5), y, text=LEGEND[names[index]],
                               font=fonts["small"], fill=palette.MUTED, anchor=tk.W)
            x += widths[index] + px(14)
        y += line_h
