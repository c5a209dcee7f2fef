"""Builds the prompt window's widgets from a Card: header band, illustration (or breathing pacer),
dosage, numbered steps, why and cautions, countdown bar, buttons with notes, footer.
Layout only; behaviour (timers, answers) lives in ui/prompt/window.py. Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from traybreak.ui.prompt import layout as lay
from traybreak.ui.prompt.breath import describe
from traybreak.ui.prompt.card import Card, key_hints
from traybreak.ui.prompt.countdown import ProgressBar, Segment
from traybreak.ui.prompt.pacer import Pacer
from traybreak.ui.toolkit import geometry, palette
from traybreak.ui.toolkit.wording import DISCLAIMER

log = logging.getLogger(__name__)

BUTTONS = ("done", "snooze", "skip")
#: What the user may add after Done (the keys are core.model.Feedback values), left to right.
FEEDBACK = (("too_easy", "Too easy"), ("too_hard", "Too hard"), ("hurts", "This hurts"))


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for one window, from the monitor and the scale factor."""

    scale: float
    figure: int        # 0: no illustration column
    text_width: int
    pacer_left: bool = False  # breathing pacer under the figure (saves height with long text)
    message_height: int = 0   # a message too long for the screen: a box this tall that scrolls

    def px(self, design: float) -> int:
        """A design-pixel length (at 96 dpi) in real pixels."""
        return max(1, round(design * self.scale))


@dataclass
class View:
    """The widgets behaviour code needs to reach."""

    figure: tk.Label | None = None
    message: tk.Widget | None = None
    pacer: Pacer | None = None
    pacer_words: tk.Label | None = None
    bar: ProgressBar | None = None
    status: tk.Label | None = None
    closes: tk.Label | None = None
    buttons: dict[str, tk.Button] = field(default_factory=dict)
    notes: dict[str, tk.Label] = field(default_factory=dict)
    button_row: tk.Frame | None = None
    feedback_row: tk.Frame | None = None       # built hidden; takes the buttons' place at Done
    feedback: dict[str, tk.Button] = field(default_factory=dict)
    feedback_note: tk.Label | None = None      # "Closes in 6 s"
    hints: tk.Label | None = None


def plan_sizes(card: Card, area: geometry.Area, scale: float, figure: int | None = None,
               *, wide: bool = False, pacer_left: bool = False) -> Sizes:
    """Sizes for ``card`` on ``area``. ``figure`` forces the illustration edge; ``wide`` lets
    the text use the monitor's width (fewer wrapped lines); ``pacer_left`` puts the breathing
    pacer under the figure instead of under the text."""
    has_figure = card.exercise is not None
    fig = figure if figure is not None else lay.figure_size(area.height, scale)
    fig = fig if has_figure else 0
    room = int(area.width * 0.92) - fig - round(72 * scale)
    widest = round((720 if wide else 470 if has_figure else 520) * scale)
    text = max(round(300 * scale), min(widest, room))
    return Sizes(scale, fig, text, pacer_left and has_figure and card.breath is not None)


def fit_plans(card: Card, area: geometry.Area, scale: float) -> Iterator[Sizes]:
    """Layouts to try in turn until one fits the monitor's height: the roomy default first,
    then wider text, then the pacer beside the text, then ever smaller figures."""
    yield plan_sizes(card, area, scale)
    if card.exercise is None:
        yield plan_sizes(card, area, scale, wide=True)
        return
    yield plan_sizes(card, area, scale, wide=True)
    if card.breath is not None:
        yield plan_sizes(card, area, scale, wide=True, pacer_left=True)
    first = lay.figure_size(area.height, scale)
    for share in (0.8, 0.65, 0.5):
        yield plan_sizes(card, area, scale, max(round(120 * scale), round(first * share)),
                         wide=True, pacer_left=card.breath is not None)


def build(root: tk.Tk, card: Card, sizes: Sizes, fonts: dict[str, Any],
          segments: list[Segment], buttons: Collection[str] = BUTTONS) -> View:
    """Create every widget of the window inside ``root``; returns the handles. Only the
    ``buttons`` named are made (and named in the key hints)."""
    style = palette.style_for(card.kind)
    view = View()
    root.configure(bg=palette.BODY_BG)
    _header(root, card, style, sizes, fonts)
    body = tk.Frame(root, bg=palette.BODY_BG)
    body.pack(fill=tk.BOTH, padx=sizes.px(24), pady=(sizes.px(18), 0))
    if sizes.figure:
        column = _left_column(body, sizes, view)
        if card.breath is not None and sizes.pacer_left:
            _pacer(column, card.breath, style, sizes, fonts, view, beside=False)
    _text_column(body, card, style, sizes, view, fonts)
    if card.countdown_s > 0:
        _countdown(root, style, sizes, fonts, segments, card, view)
    shown = [key for key in BUTTONS if key in buttons]
    _buttons(root, style, sizes, fonts, view, shown)
    if card.exercise is not None:
        _feedback_row(root, card, style, sizes, fonts, view)
    _footer(root, sizes, fonts, key_hints(shown), view, disclaimer=card.exercise is not None)
    return view


def show_feedback(view: View, sizes: Sizes) -> None:
    """Done was pressed: the feedback row takes the place of the buttons."""
    if view.feedback_row is None or view.button_row is None:
        return
    # As tall as the buttons it replaces (button + note), so the window does not jump.
    view.feedback_row.configure(height=max(view.button_row.winfo_height(), sizes.px(40)))
    view.feedback_row.pack(fill=tk.X, padx=sizes.px(24), pady=(sizes.px(18), 0),
                           after=view.button_row)
    view.button_row.pack_forget()
    if view.hints is not None:
        view.hints.configure(text="Keys: Enter or Esc close")
    if view.status is not None and view.bar is not None:
        view.bar.set(1.0)
        view.status.configure(text="Done")


def _label(parent: tk.Misc, text: str, font: Any, fg: str = palette.TEXT, bg: str = palette.BODY_BG,
           **kw: Any) -> tk.Label:
    kw.setdefault("anchor", tk.W)
    kw.setdefault("justify", tk.LEFT)
    kw.setdefault("padx", 0)
    kw.setdefault("pady", 0)
    return tk.Label(parent, text=text, font=font, fg=fg, bg=bg, bd=0, **kw)


def _header(root: tk.Tk, card: Card, style: palette.KindStyle, sizes: Sizes,
            fonts: dict[str, Any]) -> None:
    band = tk.Frame(root, bg=style.band)
    band.pack(fill=tk.X)
    wrap = sizes.figure + sizes.text_width + sizes.px(24)
    _label(band, card.tagline, fonts["tag"], style.on_band, style.band).pack(
        fill=tk.X, padx=sizes.px(24), pady=(sizes.px(14), sizes.px(2)))
    _label(band, card.name, fonts["name"], style.on_band, style.band, wraplength=wrap).pack(
        fill=tk.X, padx=sizes.px(24), pady=(0, sizes.px(14)))


def _left_column(body: tk.Frame, sizes: Sizes, view: View) -> tk.Frame:
    col = tk.Frame(body, bg=palette.BODY_BG)
    col.pack(side=tk.LEFT, anchor=tk.N, padx=(0, sizes.px(24)))
    # A blank placeholder of the final size, so the window does not jump when frames arrive.
    holder = tk.Frame(col, width=sizes.figure, height=sizes.figure, bg=palette.BODY_BG)
    holder.pack_propagate(False)
    holder.pack()
    view.figure = tk.Label(holder, bg=palette.BODY_BG, bd=0)
    view.figure.pack(fill=tk.BOTH, expand=True)
    return col


def _text_column(body: tk.Frame, card: Card, style: palette.KindStyle, sizes: Sizes, view: View,
                 fonts: dict[str, Any]) -> None:
    col = tk.Frame(body, bg=palette.BODY_BG, width=sizes.text_width)
    col.pack(side=tk.LEFT, anchor=tk.N, fill=tk.Y)
    wrap = sizes.text_width
    if card.message and sizes.message_height:
        view.message = _scrolled_message(col, card.message, fonts["message"], wrap,
                                         sizes.message_height)
    elif card.message:
        view.message = _label(col, card.message, fonts["message"], wraplength=wrap)
        view.message.pack(fill=tk.X)
    if card.dosage:
        line = tk.Frame(col, bg=palette.BODY_BG)
        line.pack(fill=tk.X, pady=(0, sizes.px(10)))
        _label(line, card.dosage, fonts["dosage"], style.band).pack(side=tk.LEFT)
        if card.level:  # "Level 2 of 3" (core.progression), quiet beside the amounts
            _label(line, card.level, fonts["small"], style.band, style.tint, padx=sizes.px(6),
                   pady=sizes.px(1)).pack(side=tk.RIGHT, anchor=tk.E)
    steps = tk.Frame(col, bg=palette.BODY_BG)
    steps.pack(fill=tk.X)
    steps.columnconfigure(1, weight=1)
    number_w = sizes.px(22)
    for row, text in enumerate(card.steps):
        _label(steps, f"{row + 1}", fonts["step_no"], style.band, anchor=tk.NW).grid(
            row=row, column=0, sticky=tk.NW, pady=(0, sizes.px(6)))
        _label(steps, text, fonts["body"], wraplength=wrap - number_w).grid(
            row=row, column=1, sticky=tk.NW, padx=(sizes.px(6), 0), pady=(0, sizes.px(6)))
    steps.columnconfigure(0, minsize=number_w - sizes.px(6))
    if card.why:
        _label(col, card.why, fonts["why"], palette.MUTED, wraplength=wrap).pack(
            fill=tk.X, pady=(sizes.px(6), 0))
    if card.cautions:
        _label(col, f"⚠ {card.cautions}", fonts["small"], palette.MUTED, wraplength=wrap).pack(
            fill=tk.X, pady=(sizes.px(8), 0))
    if card.breath is not None and not sizes.pacer_left:
        _pacer(col, card.breath, style, sizes, fonts, view, beside=True)


def _scrolled_message(col: tk.Frame, text: str, font: Any, width: int, height: int) -> tk.Frame:
    """The message in a read-only box ``width`` × ``height`` px with a scroll bar, for one too
    long for the screen (the mouse wheel scrolls it as well)."""
    box = tk.Frame(col, width=width, height=height, bg=palette.BODY_BG)
    box.pack_propagate(False)
    box.pack(fill=tk.X)
    bar = tk.Scrollbar(box, orient=tk.VERTICAL)
    bar.pack(side=tk.RIGHT, fill=tk.Y)
    words = tk.Text(box, wrap=tk.WORD, font=font, fg=palette.TEXT, bg=palette.BODY_BG, bd=0,
                    highlightthickness=0, padx=0, pady=0, cursor="arrow", takefocus=0,
                    yscrollcommand=bar.set)
    words.insert("1.0", text)
    words.configure(state=tk.DISABLED)  # shown, not edited (Enter still answers the prompt)
    words.pack(side=tk.LEFT, fill=tk.BOTH, expand=True)
    bar.configure(command=words.yview)
    return box


def _pacer(col: tk.Frame, breath: tuple[int, int, int, int], style: palette.KindStyle,
           sizes: Sizes, fonts: dict[str, Any], view: View, *, beside: bool) -> None:
    """The breathing circle with the phase words beside it (under the text) or below it
    (under the figure)."""
    row = tk.Frame(col, bg=palette.BODY_BG)
    row.pack(fill=tk.X, pady=(sizes.px(16), 0))
    diameter = max(sizes.px(110), sizes.figure * 11 // 20)
    view.pacer = Pacer(row, diameter=diameter, colour=style.band, tint=style.tint,
                       background=palette.BODY_BG, text=style.on_band, font=fonts["pacer"],
                       breath=breath)
    view.pacer.canvas.pack(side=tk.LEFT if beside else tk.TOP)
    words = tk.Frame(row, bg=palette.BODY_BG)
    words.pack(side=tk.LEFT, padx=(sizes.px(18), 0)) if beside else words.pack(
        side=tk.TOP, pady=(sizes.px(6), 0))
    anchor = tk.W if beside else tk.CENTER
    view.pacer_words = _label(words, "Breathe in", fonts["phase"], style.band, anchor=anchor)
    view.pacer_words.pack(fill=tk.X)
    hint = ("Follow the circle: " if beside else "") + describe(breath)
    _label(words, hint, fonts["small"], palette.MUTED, anchor=anchor).pack(
        fill=tk.X, pady=(sizes.px(4), 0))


def _countdown(root: tk.Tk, style: palette.KindStyle, sizes: Sizes, fonts: dict[str, Any],
               segments: list[Segment], card: Card, view: View) -> None:
    frame = tk.Frame(root, bg=palette.BODY_BG)
    frame.pack(fill=tk.X, padx=sizes.px(24), pady=(sizes.px(18), 0))
    line = tk.Frame(frame, bg=palette.BODY_BG)
    line.pack(fill=tk.X, pady=(0, sizes.px(6)))
    view.status = _label(line, "", fonts["status"], palette.TEXT)
    view.status.pack(side=tk.LEFT)
    view.closes = _label(line, "", fonts["small"], palette.MUTED)
    view.closes.pack(side=tk.RIGHT)
    width = sizes.figure + sizes.text_width + (sizes.px(24) if sizes.figure else 0)
    marks = [seg.start / card.countdown_s for seg in segments[1:]] if card.countdown_s else []
    view.bar = ProgressBar(frame, width=width, height=sizes.px(10), track=style.tint,
                           fill=style.band, background=palette.BODY_BG, marks=marks)
    view.bar.canvas.pack(fill=tk.X)


def _buttons(root: tk.Tk, style: palette.KindStyle, sizes: Sizes, fonts: dict[str, Any],
             view: View, shown: list[str]) -> None:
    row = tk.Frame(root, bg=palette.BODY_BG)
    row.pack(fill=tk.X, padx=sizes.px(24), pady=(sizes.px(18), 0))
    view.button_row = row
    looks = {
        "done": ("Done", style.band, style.on_band, _darker(style.band)),
        "snooze": ("Snooze", palette.BUTTON_BG, palette.TEXT, _darker(palette.BUTTON_BG)),
        "skip": ("Skip", palette.BUTTON_BG, palette.TEXT, _darker(palette.BUTTON_BG)),
    }
    for key in shown:
        text, bg, fg, active = looks[key]
        cell = tk.Frame(row, bg=palette.BODY_BG)
        cell.pack(side=tk.LEFT, padx=(0, sizes.px(12)), anchor=tk.N)
        button = tk.Button(
            cell, text=text, font=fonts["button"], bg=bg, fg=fg, activebackground=active,
            activeforeground=fg, disabledforeground=palette.DISABLED_TEXT, relief=tk.FLAT, bd=0,
            highlightthickness=0, takefocus=0, cursor="hand2", width=12,
            padx=sizes.px(14), pady=sizes.px(8),
        )
        button.pack(fill=tk.X)
        note = _label(cell, "", fonts["small"], palette.MUTED, anchor=tk.CENTER)
        note.pack(fill=tk.X, pady=(sizes.px(4), 0))
        view.buttons[key], view.notes[key] = button, note


def _feedback_row(root: tk.Tk, card: Card, style: palette.KindStyle, sizes: Sizes,
                  fonts: dict[str, Any], view: View) -> None:
    """"How did it feel?" and small optional choices, built hidden; "Too easy" and "Too hard"
    only on a card with levels to move between (core.progression)."""
    row = tk.Frame(root, bg=palette.BODY_BG)
    view.feedback_row = row
    row.pack_propagate(False)  # show_feedback gives it the buttons' height
    _label(row, "How did it feel?", fonts["status"], style.band).pack(
        side=tk.LEFT, anchor=tk.N, pady=(sizes.px(6), 0), padx=(0, sizes.px(14)))
    for key, text in FEEDBACK:
        if key != "hurts" and not card.progresses:
            continue
        button = tk.Button(
            row, text=text, font=fonts["small"], bg=palette.BUTTON_BG, fg=palette.TEXT,
            activebackground=_darker(palette.BUTTON_BG), activeforeground=palette.TEXT,
            relief=tk.FLAT, bd=0, highlightthickness=0, takefocus=0, cursor="hand2",
            padx=sizes.px(10), pady=sizes.px(5))
        button.pack(side=tk.LEFT, anchor=tk.N, padx=(0, sizes.px(8)))
        view.feedback[key] = button
    view.feedback_note = _label(row, "", fonts["small"], palette.MUTED)
    view.feedback_note.pack(side=tk.RIGHT, anchor=tk.N, pady=(sizes.px(6), 0))


def _footer(root: tk.Tk, sizes: Sizes, fonts: dict[str, Any], hints: str, view: View, *,
            disclaimer: bool) -> None:
    tk.Frame(root, bg=palette.RULE, height=1).pack(fill=tk.X, padx=sizes.px(24),
                                              pady=(sizes.px(10), 0))
    row = tk.Frame(root, bg=palette.BODY_BG)
    row.pack(fill=tk.X, padx=sizes.px(24), pady=(sizes.px(8), sizes.px(14)))
    view.hints = _label(row, hints, fonts["small"], palette.MUTED)
    view.hints.pack(side=tk.LEFT)
    if disclaimer:  # exercise cards only; a water reminder needs no health note
        _label(row, DISCLAIMER, fonts["small"], palette.MUTED).pack(side=tk.RIGHT)


def _darker(colour: str, amount: float = 0.85) -> str:
    h = colour.lstrip("#")
    r, g, b = (int(int(h[i:i + 2], 16) * amount) for i in (0, 2, 4))
    return f"#{r:02X}{g:02X}{b:02X}"
