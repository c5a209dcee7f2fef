"""The welcome window (Tk, in its own child process), shown once on a first run: what traybreak
does, the not-medical-advice note, a schedule preset, the conditions to avoid (the settings
window's boxes), start at login. Start saves the choices through the settings draft; Skip, Esc or
the window's close button change nothing, so traybreak runs on its defaults. Tk main thread only.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from traybreak.ui.settings import form, welcome_form, widgets
from traybreak.ui.settings.form import Draft
from traybreak.ui.settings.welcome_form import PresetLike
from traybreak.ui.settings.window import Outcome, StartAtLogin, commit
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw
from traybreak.ui.toolkit.wording import DISCLAIMER


class WelcomeWindow:
    """Builds the window over ``draft``; ``run`` returns once it is closed.

    ``preset``: the preset the draft holds now (ticked), if one; ``login``: start at login as
    it is, and ``login_ticked`` whether its box starts ticked; ``menu_note``: say that the
    application-menu entry is added."""

    def __init__(self, draft: Draft, path: Path, presets: Sequence[PresetLike],
                 preset: str | None, login: StartAtLogin | None, login_ticked: bool,
                 tell_tray: Callable[[], str], menu_note: bool = False) -> None:
        self.draft, self.path, self.presets, self.login = draft, path, presets, login
        self.tell_tray, self.menu_note = tell_tray, menu_note
        self.outcome = Outcome()
        self.screen = sw.open_screen(welcome_form.TITLE)
        self.widgets: dict[str, tk.Misc] = {}
        self._columns: list[tk.Frame] = []  # the frames whose width the text wraps at
        self.preset = tk.StringVar(self.screen.root, value=preset or "")
        self.autostart = tk.BooleanVar(self.screen.root, value=login_ticked)
        self._build()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        screen, root, px, fonts = self.screen, self.screen.root, self.screen.px, self.screen.fonts
        sw.header(screen, root, welcome_form.TAG, welcome_form.HEADING, icon=True)
        body = tk.Frame(root, bg=palette.BODY_BG)
        body.pack(fill=tk.BOTH, padx=px(20), pady=(px(14), 0))
        wrapped = [sw.label(body, welcome_form.WHAT_IT_DOES, fonts["body"]),
                   sw.label(body, DISCLAIMER, fonts["small"], palette.MUTED)]
        wrapped[0].pack(fill=tk.X)
        wrapped[1].pack(fill=tk.X, pady=(px(6), 0))
        self._presets(body)
        self._conditions(body)
        self._login(body)
        self._footer()
        self._show_problem()
        for label in wrapped:  # unwrapped, the text alone would make the window this wide
            label.configure(wraplength=px(480))
        root.update_idletasks()  # then it wraps at the width the boxes take
        for label in wrapped:
            label.configure(wraplength=max(px(480), self._widest - px(4)))

    def _heading(self, parent: tk.Misc, text: str, hint: str = "") -> None:
        px, fonts = self.screen.px, self.screen.fonts
        line = tk.Frame(parent, bg=palette.BODY_BG)
        line.pack(fill=tk.X, pady=(px(14), px(4)))
        sw.label(line, text, fonts["heading"]).pack(side=tk.LEFT)
        if hint:
            sw.label(line, hint, fonts["small"], palette.MUTED).pack(side=tk.LEFT,
                                                                     padx=(px(8), 0))

    def _presets(self, body: tk.Frame) -> None:
        px, fonts = self.screen.px, self.screen.fonts
        self._heading(body, welcome_form.HOW_OFTEN)
        grid = tk.Frame(body, bg=palette.BODY_BG)
        grid.pack(fill=tk.X, padx=(px(12), 0))
        self._columns.append(grid)
        for line, preset in enumerate(self.presets):
            radio = tk.Radiobutton(
                grid, text=preset.label, variable=self.preset, value=preset.name,
                font=fonts["bold"], bg=palette.BODY_BG, fg=palette.TEXT,
                activebackground=palette.BODY_BG, selectcolor=widgets.FIELD_BG, bd=0,
                cursor="hand2", anchor=tk.W, command=self._choose, **widgets.focus_ring())
            radio.grid(row=line, column=0, sticky=tk.W, padx=(0, px(12)), pady=px(1))
            sw.label(grid, preset.summary, fonts["small"], palette.MUTED).grid(
                row=line, column=1, sticky=tk.W)
            self.widgets[f"preset={preset.name}"] = radio

    def _conditions(self, body: tk.Frame) -> None:
        row = form.CONDITIONS
        assert row.set_key is not None
        self._heading(body, row.label, welcome_form.CONDITIONS_HINT)
        boxes = tk.Frame(body, bg=palette.BODY_BG)
        boxes.pack(fill=tk.X, padx=(self.screen.px(12), 0))
        self._columns.append(boxes)
        value = self.draft.value(row.set_key)
        for item, box in widgets.set_boxes(self.screen, boxes, row, value, self._edit).items():
            self.widgets[f"{row.set_key}={item}"] = box

    def _login(self, body: tk.Frame) -> None:
        px = self.screen.px
        if self.login is not None:
            box = widgets.checkbutton(self.screen, body, form.AUTOSTART, self.autostart,
                                      self._report)
            box.pack(anchor=tk.W, pady=(px(14), 0))
            self.widgets["autostart"] = box
        if self.menu_note:
            sw.label(body, welcome_form.MENU_NOTE, self.screen.fonts["small"],
                     palette.MUTED).pack(fill=tk.X, pady=(px(4), 0))

    def _footer(self) -> None:
        screen, root, px = self.screen, self.screen.root, self.screen.px
        sw.rule(screen, root, (px(14), 0))
        row = tk.Frame(root, bg=palette.BODY_BG)
        row.pack(fill=tk.X, padx=px(20), pady=(px(10), px(14)))
        self.start = start = sw.button(screen, row, welcome_form.START, self._start,
                                       primary=True)
        start.pack(side=tk.RIGHT)
        skip = sw.button(screen, row, welcome_form.SKIP, root.destroy)
        skip.pack(side=tk.RIGHT, padx=(0, px(8)))
        self.status = sw.label(row, welcome_form.LATER, screen.fonts["small"], palette.MUTED,
                               wraplength=px(420))
        self.status.pack(side=tk.LEFT, fill=tk.X)
        self.widgets.update(start=start, skip=skip)

    @property
    def _widest(self) -> int:
        return max(frame.winfo_reqwidth() + self.screen.px(12) for frame in self._columns)

    # -- reacting --------------------------------------------------------------------------

    def _choose(self) -> None:
        chosen = next(p for p in self.presets if p.name == self.preset.get())
        for key, value in chosen.values.items():
            self.draft.set(key, value)
        self._report()

    def _edit(self, key: str, value: form.FieldValue) -> None:
        self.draft.set(key, value)
        self._show_problem()
        self._report()

    def _show_problem(self) -> None:
        """In the footer, what stops Start (a condition the file names that traybreak does not
        know, when opened by hand), else that everything can be changed later."""
        problem = self.draft.blocking()
        if problem is not None:
            problem = form.brief(problem)
        self.status.configure(text=problem or welcome_form.LATER,
                              fg=palette.ERROR if problem else palette.MUTED)
        self.start.configure(state=tk.DISABLED if problem else tk.NORMAL,  # as Save is greyed
                             disabledforeground=palette.DISABLED_TEXT,
                             bg=palette.BUTTON_BG if problem else sw.APP_BAND)

    def _start(self) -> None:
        wanted = self.autostart.get() if self.login is not None else None
        saved, problem = commit(self.draft, self.path, self.login, wanted)
        if problem is not None:
            self.status.configure(text=problem, fg=palette.ERROR)
            self._report()
            return
        self.outcome = Outcome(saved, self.tell_tray() if saved else "unchanged", started=True)
        self.screen.root.destroy()

    def _report(self) -> None:
        """Test hook: what the window shows now (the first report is present()'s, once mapped)."""
        if self.screen.root.winfo_ismapped():
            sw.report_geometry(self.screen, self.widgets, self._state())

    def _state(self) -> dict[str, Any]:
        return {"preset": self.preset.get(), "avoid": self.draft.value("exercises.avoid"),
                "autostart": self.autostart.get(), "changed": self.draft.changed(),
                "status": self.status.cget("text")}

    # -- running ---------------------------------------------------------------------------

    def run(self) -> Outcome:
        """Show the window and return how it ended once it is closed."""
        widgets.run_dialog(self.screen, self.widgets, self._state, self._start)
        return self.outcome


def show_welcome(draft: Draft, path: Path, presets: Sequence[PresetLike], preset: str | None,
                 login: StartAtLogin | None, login_ticked: bool, tell_tray: Callable[[], str],
                 menu_note: bool = False) -> Outcome:
    """Open the welcome window over ``draft`` and return how it ended (see WelcomeWindow)."""
    return WelcomeWindow(draft, path, presets, preset, login, login_ticked, tell_tray,
                         menu_note).run()
