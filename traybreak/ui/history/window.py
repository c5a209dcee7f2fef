"""The history window (Tk, in its own child process): today's numbers and the streak, a bar per
day, muscle groups worked and not yet worked this week, and the latest prompts. It only shows a
History built elsewhere (ui/history/data.py); closing it is the only answer. Tk main thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Sequence

from traybreak.core.durations import clock_label
from traybreak.core.model import Kind
from traybreak.core.muscles import Side
from traybreak.ui.history.chart import COLOURS, draw_chart
from traybreak.ui.history.data import (
    COVERAGE_DAYS,
    EMPTY_NOTE,
    GroupCover,
    History,
    streak_words,
)
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw

log = logging.getLogger(__name__)

HISTORY_TITLE = "traybreak history"
SIDE_KIND = {Side.TIGHT: "stretch", Side.WEAK: "strengthen", Side.CALM: "relax"}
CHART_HEIGHT = 260      # design px, at least; more when the right-hand column is taller
COLUMN = 300            # design px: the right-hand column's width
NEGLECTED_SHOWN = 10     # more than this many untouched groups: the rest as "and N more"
LEVELS_SHOWN = 5         # exercises in the Progress list; the text form lists them all


def show_history(history: History) -> None:
    """Open the window and return when it is closed (Close, Esc, Enter or the WM)."""
    screen = sw.open_screen(HISTORY_TITLE)
    root, px = screen.root, screen.px
    sw.header(screen, root, f"History · last {len(history.days)} days", "Your breaks")
    body = tk.Frame(root, bg=palette.BODY_BG)
    body.pack(fill=tk.BOTH, padx=px(20), pady=(px(14), 0))
    left = tk.Frame(body, bg=palette.BODY_BG)
    left.pack(side=tk.LEFT, anchor=tk.N)
    right = tk.Frame(body, bg=palette.BODY_BG, width=px(COLUMN))
    right.pack(side=tk.LEFT, anchor=tk.N, fill=tk.Y, padx=(px(24), 0))
    _tiles(screen, left, history)
    _groups(screen, right, history)
    _levels(screen, right, history)
    _recent(screen, right, history)
    root.update_idletasks()  # the chart takes the height the right-hand column needs
    height = max(px(CHART_HEIGHT), right.winfo_reqheight() - left.winfo_reqheight() - px(14))
    chart = tk.Canvas(left, width=px(400), height=height, bg=palette.BODY_BG, highlightthickness=0,
                      bd=0)
    chart.pack(pady=(px(14), 0))
    draw_chart(chart, history.days, history.today, screen.fonts, px)
    close = sw.footer(screen, "Esc closes · read-only: nothing here changes your log")
    sw.present(screen, {"close": close, "chart": chart})
    root.mainloop()


def _tiles(screen: sw.Screen, parent: tk.Frame, history: History) -> None:
    """Three numbers in a row: done today, skipped or ignored today, streak."""
    px, fonts = screen.px, screen.fonts
    row = tk.Frame(parent, bg=palette.BODY_BG)
    row.pack(fill=tk.X)
    counts = history.today_counts
    streak = streak_words(history.streak)
    tiles = (
        (str(counts.done), "done today", palette.style_for(None).band),
        (str(counts.skipped + counts.ignored), "skipped or ignored", palette.MUTED),
        (str(history.streak) if history.streak else "–",
         "day streak" if history.streak else streak, palette.style_for(None).band),
    )
    for n, (number, caption, colour) in enumerate(tiles):
        tile = tk.Frame(row, bg=sw.APP_TINT if n != 1 else palette.BUTTON_BG)
        tile.pack(side=tk.LEFT, fill=tk.X, expand=True, padx=(0 if n == 0 else px(8), 0))
        sw.label(tile, number, fonts["big"], colour, tile.cget("bg")).pack(
            fill=tk.X, padx=px(12), pady=(px(8), 0))
        sw.label(tile, caption, fonts["small"], palette.MUTED, tile.cget("bg")).pack(
            fill=tk.X, padx=px(12), pady=(0, px(9)))


def _groups(screen: sw.Screen, parent: tk.Frame, history: History) -> None:
    fonts = screen.fonts
    sw.label(parent, f"Muscle groups · last {COVERAGE_DAYS} days", fonts["heading"]).pack(
        fill=tk.X)
    if not history.worked and not history.neglected:
        sw.label(parent, "No exercises loaded.", fonts["small"], palette.MUTED).pack(fill=tk.X)
        return
    if not history.worked:  # a new user: no wall of "not yet" groups, just what will happen
        sw.label(parent, "Each exercise you do lights up the muscle groups it works.",
                 fonts["small"], palette.MUTED, wraplength=screen.px(COLUMN)).pack(
            fill=tk.X, pady=(screen.px(4), 0))
        return
    worked = [f"{_short(g)} ×{g.times}" for g in history.worked]
    _chips(screen, parent, "Worked", worked, [SIDE_KIND[g.side] for g in history.worked])
    left_out = history.neglected[:NEGLECTED_SHOWN]
    names = [_short(g) for g in left_out]
    if len(history.neglected) > NEGLECTED_SHOWN:
        names.append(f"and {len(history.neglected) - NEGLECTED_SHOWN} more")
    _chips(screen, parent, "Not yet", names, [None] * len(names))


def _short(group: GroupCover) -> str:
    """The group's label without its parenthesis: "hip flexors (psoas)" -> "hip flexors"."""
    return group.label.split(" (")[0]


def _chips(screen: sw.Screen, parent: tk.Frame, title: str, texts: Sequence[str],
           kinds: Sequence[str | None]) -> None:
    """A caption, then small chips wrapped to the column (kind colours; None: neglected)."""
    px, fonts = screen.px, screen.fonts
    sw.label(parent, title, fonts["small"], palette.MUTED).pack(fill=tk.X, pady=(px(6), px(3)))
    if not texts:
        sw.label(parent, "none yet", fonts["small"], palette.MUTED).pack(fill=tk.X)
        return
    flow = tk.Frame(parent, bg=palette.BODY_BG)
    flow.pack(fill=tk.X)
    chips = []
    for text, kind in zip(texts, kinds, strict=True):
        style = palette.style_for(Kind(kind)) if kind else None
        bg, fg = (style.tint, style.band) if style else (palette.BUTTON_BG, palette.MUTED)
        chips.append(tk.Label(flow, text=text, font=fonts["small"], bg=bg, fg=fg, padx=px(6),
                              pady=px(1), bd=0))
    sw.flow(flow, chips, px(COLUMN), px(4), px(4))


def _levels(screen: sw.Screen, parent: tk.Frame, history: History) -> None:
    """Exercises past level 1 or resting after "This hurts" (none: no section)."""
    if not history.levels:
        return
    px, fonts = screen.px, screen.fonts
    sw.label(parent, "Progress", fonts["heading"]).pack(fill=tk.X, pady=(px(14), px(4)))
    table = tk.Frame(parent, bg=palette.BODY_BG)
    table.pack(fill=tk.X)
    table.columnconfigure(0, weight=1)
    shown = history.levels[:LEVELS_SHOWN]
    for n, row in enumerate(shown):
        sw.label(table, row.name, fonts["small"], palette.TEXT).grid(row=n, column=0,
                                                                     sticky=tk.W, pady=px(1))
        words = row.words if row.resting_until is None else \
            f"resting until {row.resting_until:%a} {row.resting_until.day}"
        sw.label(table, words, fonts["small"], palette.MUTED).grid(row=n, column=1, sticky=tk.E,
                                                                   padx=(px(10), 0))
    if len(history.levels) > LEVELS_SHOWN:
        sw.label(parent, f"and {len(history.levels) - LEVELS_SHOWN} more (traybreak history)",
                 fonts["small"], palette.MUTED).pack(fill=tk.X)


def _recent(screen: sw.Screen, parent: tk.Frame, history: History) -> None:
    px, fonts = screen.px, screen.fonts
    sw.label(parent, "Recent prompts", fonts["heading"]).pack(fill=tk.X, pady=(px(14), px(4)))
    if not history.has_log or not history.recent:
        sw.label(parent, EMPTY_NOTE, fonts["small"], palette.MUTED, wraplength=px(COLUMN)).pack(
            fill=tk.X)
        return
    table = tk.Frame(parent, bg=palette.BODY_BG)
    table.pack(fill=tk.X)
    table.columnconfigure(2, weight=1)
    for n, row in enumerate(history.recent):
        colour = COLOURS.get(row.kind.value if row.kind else "", palette.style_for(None).band)
        sw.label(table, clock_label(row.when, history.today), fonts["small"], palette.MUTED).grid(
            row=n, column=0, sticky=tk.W, padx=(0, px(8)), pady=px(1))
        sw.label(table, "●", fonts["small"], colour).grid(row=n, column=1, padx=(0, px(5)))
        sw.label(table, row.name, fonts["small"], palette.TEXT).grid(row=n, column=2, sticky=tk.W)
        sw.label(table, row.outcome, fonts["small"] if not row.done else
                 (fonts["small"][0], fonts["small"][1], "bold"),
                 colour if row.done else palette.MUTED).grid(
            row=n, column=3, sticky=tk.E, padx=(px(10), 0))
