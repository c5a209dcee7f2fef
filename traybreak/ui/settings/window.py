"""The settings window (Tk, in its own child process): every rule's schedule and length, working
hours, the natural break, how prompts behave, the notice and the chime (with a Play button to
hear it at the volume shown) and start at login, in the other windows' look.
Each edit is checked at once by the draft (config check's rules) and a problem shows under its
row; Save stays greyed while one does. Cancel, Esc or the window's close button change nothing.
Tk main thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traybreak.errors import UserError
from traybreak.ui.settings import form, widgets
from traybreak.ui.settings.form import Draft, Row
from traybreak.ui.toolkit import palette
from traybreak.ui.toolkit import small_window as sw

log = logging.getLogger(__name__)

ERROR = palette.ERROR
FIELD_BG = widgets.FIELD_BG
FIELD_LINE = "#AEB6BE"


@dataclass
class StartAtLogin:
    """Start at login as the window shows it: the state now and how to change it."""

    enabled: bool
    change: Callable[[bool], None]


#: Plays the chime at a volume (0-100), at once; returns why it cannot (no player), else None.
PlayChime = Callable[[int], str | None]


@dataclass
class Outcome:
    """How the window ended: saved or not, and what the running tray did (``tell_tray``'s);
    ``started``: the welcome window's Start (not Skip)."""

    saved: bool = False
    tray: str = "unchanged"
    started: bool = False


def commit(draft: Draft, path: Path, login: StartAtLogin | None,
           autostart: bool | None) -> tuple[bool, str | None]:
    """Save ``draft`` and set start at login to ``autostart`` (None: leave it): (whether the
    file was written, None) or (False, why not in one line)."""
    blocked = draft.blocking()
    if blocked is not None:
        return False, f"not saved: {blocked}"
    try:
        saved = draft.save()
        if login is not None and autostart is not None and autostart != login.enabled:
            login.change(autostart)
    except UserError as err:
        return False, str(err)
    except OSError as err:
        return False, f"not saved: {err.strerror or err}: {path}"
    return saved, None


@dataclass
class _Marked:
    """The widgets of one row that show a problem: its entries by key and its message."""

    keys: tuple[str, ...]
    message: tk.Label


class SettingsWindow:
    """Builds the window over ``draft``; ``run`` returns once it is closed."""

    def __init__(self, draft: Draft, path: Path, login: StartAtLogin | None,
                 tell_tray: Callable[[], str],
                 open_file: Callable[[Path], bool] | None = None,
                 play_chime: PlayChime | None = None) -> None:
        self.draft, self.path, self.login, self.tell_tray = draft, path, login, tell_tray
        self.open_file = open_file
        self.actions: dict[str, Callable[[], None]] = {}
        self.buttons: dict[str, tk.Button] = {}
        if play_chime is not None:
            self.play_chime = play_chime
            self.actions["play"] = self._play
        self.outcome = Outcome()
        self.screen = sw.open_screen(form.TITLE)
        self.entries: dict[str, tk.Entry] = {}
        self.texts: dict[str, tk.StringVar] = {}
        self.flags: dict[str, tk.BooleanVar] = {}
        self.marked: list[_Marked] = []
        self._rows: dict[str, int] = {}
        self.widgets: dict[str, tk.Misc] = {}
        self._build()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        screen, root, px = self.screen, self.screen.root, self.screen.px
        sw.header(screen, root, form.TAG, form.HEADING)
        self.scroller = sw.Scroller(root)
        self.scroller.outer.pack(fill=tk.BOTH, padx=(px(20), 0), pady=(px(10), 0))
        body = tk.Frame(self.scroller.inner, bg=palette.BODY_BG)
        body.pack(fill=tk.BOTH, padx=(0, px(20)))
        # Problems on keys without a field: at the top when there are any, where they are seen.
        self.others = sw.label(body, "", self.screen.fonts["small"], palette.TEXT)
        self._rules(body)
        grid = tk.Frame(body, bg=palette.BODY_BG)
        grid.pack(fill=tk.X)
        for title, rows in form.SECTIONS:
            self._heading(grid, title)
            for row in rows:
                self._row(grid, row)
        self._login()
        self._footer()
        root.update_idletasks()  # a message wraps at the width the fields take
        for label in [self.others, *(marked.message for marked in self.marked)]:
            label.configure(wraplength=body.winfo_reqwidth() - px(40))
        self._refresh()

    def _fit(self) -> None:
        """The body as tall as it is, or as the monitor leaves (the window's frame and a margin
        aside), scrolling beyond."""
        root = self.screen.root
        root.update_idletasks()
        around = root.winfo_reqheight() - self.scroller.canvas.winfo_reqheight()
        self.scroller.fit(self.screen.area.height - around - self.screen.px(64), measured=True)

    def _heading(self, parent: tk.Frame, title: str) -> None:
        px = self.screen.px
        heading = sw.label(parent, title, self.screen.fonts["heading"])
        heading.grid(row=self._next_row(parent), column=0, columnspan=2, sticky=tk.W,
                     pady=(px(12), px(4)))

    def _rules(self, body: tk.Frame) -> None:
        screen, px, fonts = self.screen, self.screen.px, self.screen.fonts
        sw.label(body, "Breaks", fonts["heading"]).pack(fill=tk.X, pady=(0, px(2)))
        sw.label(body, form.RULE_HINT, fonts["small"], palette.MUTED).pack(
            fill=tk.X, pady=(0, px(4)))
        grid = tk.Frame(body, bg=palette.BODY_BG)
        grid.pack(fill=tk.X)
        for rule in self.draft.rules:
            keys = form.rule_keys(rule.name)
            line = self._next_row(grid)
            box = self._check(grid, form.rule_label(rule), keys["enabled"])
            box.grid(row=line, column=0, sticky=tk.W, padx=(0, px(10)))
            mode = tk.StringVar(screen.root, value=str(self.draft.value(keys["schedule"])))
            self.texts[keys["schedule"]] = mode
            column = 1
            for choice in ("every", "at"):
                radio = tk.Radiobutton(
                    grid, text=choice, variable=mode, value=choice, font=fonts["body"],
                    bg=palette.BODY_BG, fg=palette.TEXT, activebackground=palette.BODY_BG,
                    selectcolor=FIELD_BG, bd=0, cursor="hand2", **self._focus_ring(),
                    command=self._choose(keys["schedule"], mode))
                radio.grid(row=line, column=column, sticky=tk.W, padx=(px(4), px(2)))
                self._entry(grid, keys[choice], 6).grid(row=line, column=column + 1, sticky=tk.W,
                                                        padx=(0, px(8)))
                self.widgets[f"{keys['schedule']}={choice}"] = radio
                column += 2
            for words, part, chars in (("on", "days", 9), ("lasts", "duration", 6)):
                sw.label(grid, words, fonts["body"]).grid(row=line, column=column, sticky=tk.W,
                                                          padx=(px(4), px(4)))
                self._entry(grid, keys[part], chars).grid(row=line, column=column + 1,
                                                          sticky=tk.W, padx=(0, px(8)))
                column += 2
            self._message_row(grid, tuple(keys.values()), column, first=1)

    def _row(self, grid: tk.Frame, row: Row) -> None:
        px, fonts = self.screen.px, self.screen.fonts
        if row.columns:
            self._box_block(grid, row)
            return
        line = self._next_row(grid)
        if row.flag is not None:
            lead: tk.Widget = self._check(grid, row.label, row.flag)
        else:
            lead = sw.label(grid, row.label, fonts["body"])
        lead.grid(row=line, column=0, sticky=tk.W, padx=(0, px(12)), pady=px(2))
        fields = tk.Frame(grid, bg=palette.BODY_BG)
        fields.grid(row=line, column=1, sticky=tk.W)
        if row.set_key is not None:
            self._set_boxes(fields, row)
        for entry in row.entries:
            if entry.before:
                sw.label(fields, entry.before, fonts["body"]).pack(side=tk.LEFT,
                                                                   padx=(px(6), px(4)))
            self._entry(fields, entry.key, entry.chars).pack(side=tk.LEFT)
            if entry.after:
                sw.label(fields, entry.after, fonts["body"]).pack(side=tk.LEFT, padx=(px(4), 0))
        if row.action in self.actions:
            button = sw.button(self.screen, fields, form.ACTIONS[row.action],
                               self.actions[row.action])
            button.configure(pady=0, padx=px(10))   # as tall as the field beside it
            button.pack(side=tk.LEFT, padx=(px(8), 0))
            self.widgets[row.action] = button
            self.buttons[row.action] = button
        if row.hint:
            sw.label(fields, row.hint, fonts["small"], palette.MUTED).pack(side=tk.LEFT,
                                                                           padx=(px(8), 0))
        self._message_row(grid, row.keys, 2, first=0)

    def _login(self) -> None:
        """Start at login, below the scrolling body: always in view, and not in the file."""
        px = self.screen.px
        if self.login is None:
            return
        self.autostart = tk.BooleanVar(self.screen.root, value=self.login.enabled)
        box = self._checkbutton(self.screen.root, form.AUTOSTART, self.autostart, self._refresh)
        box.pack(anchor=tk.W, padx=px(20), pady=(px(10), 0))
        self.widgets["autostart"] = box

    def _footer(self) -> None:
        screen, root, px = self.screen, self.screen.root, self.screen.px
        sw.rule(screen, root, (px(12), 0))
        row = tk.Frame(root, bg=palette.BODY_BG)
        row.pack(fill=tk.X, padx=px(20), pady=(px(10), px(14)))
        self.save_button = sw.button(screen, row, "Save", self._save, primary=True)
        self.save_button.pack(side=tk.RIGHT)
        cancel = sw.button(screen, row, "Cancel", root.destroy)
        cancel.pack(side=tk.RIGHT, padx=(0, px(8)))
        if self.open_file is not None:  # for what the window does not show
            edit = sw.button(screen, row, "Edit the file…", self._edit_file)
            edit.pack(side=tk.RIGHT, padx=(0, px(8)))
            self.widgets["edit-file"] = edit
        self.status = sw.label(row, "", screen.fonts["small"], palette.MUTED,
                               wraplength=px(470))
        self.status.pack(side=tk.LEFT, fill=tk.X)
        self.widgets.update(save=self.save_button, cancel=cancel)

    def _box_block(self, grid: tk.Frame, row: Row) -> None:
        """A set field with many items: its label (and hint) on a line, the boxes in columns
        below, across the whole grid."""
        px, fonts = self.screen.px, self.screen.fonts
        top = tk.Frame(grid, bg=palette.BODY_BG)
        top.grid(row=self._next_row(grid), column=0, columnspan=2, sticky=tk.W,
                 pady=(px(6), px(2)))
        sw.label(top, row.label, fonts["body"]).pack(side=tk.LEFT)
        if row.hint:
            sw.label(top, row.hint, fonts["small"], palette.MUTED).pack(side=tk.LEFT,
                                                                        padx=(px(8), 0))
        boxes = tk.Frame(grid, bg=palette.BODY_BG)
        boxes.grid(row=self._next_row(grid), column=0, columnspan=2, sticky=tk.W,
                   padx=(px(12), 0))
        self._set_boxes(boxes, row)
        self._message_row(grid, row.keys, 2, first=0)

    def _set_boxes(self, parent: tk.Frame, row: Row) -> None:
        """One check box per item of a set field; ticking one sets the field to those ticked."""
        assert row.set_key is not None
        value = self.draft.value(row.set_key)
        for item, box in widgets.set_boxes(self.screen, parent, row, value, self._edit).items():
            self.widgets[f"{row.set_key}={item}"] = box
            box.bind("<FocusIn>", self._seen(box))  # a Tab into a box out of view

    def _seen(self, widget: tk.Misc) -> Callable[[tk.Event], None]:
        return lambda _e: self.scroller.see(widget)

    def _choose(self, key: str, mode: tk.StringVar) -> Callable[[], None]:
        return lambda: self._edit(key, mode.get())

    def _check(self, parent: tk.Misc, text: str, key: str) -> tk.Checkbutton:
        var = tk.BooleanVar(self.screen.root, value=self.draft.value(key) is True)
        self.flags[key] = var
        box = self._checkbutton(parent, text, var, lambda: self._edit(key, var.get()))
        self.widgets[key] = box
        return box

    def _checkbutton(self, parent: tk.Misc, text: str, var: tk.BooleanVar,
                     command: Callable[[], None]) -> tk.Checkbutton:
        return widgets.checkbutton(self.screen, parent, text, var, command)

    def _focus_ring(self) -> dict[str, Any]:
        return widgets.focus_ring()

    def _entry(self, parent: tk.Misc, key: str, chars: int) -> tk.Entry:
        text = tk.StringVar(self.screen.root, value=str(self.draft.value(key)))
        self.texts[key] = text
        entry = tk.Entry(parent, textvariable=text, width=chars, font=self.screen.fonts["body"],
                         relief=tk.FLAT, bd=0, bg=FIELD_BG, fg=palette.TEXT,
                         disabledbackground=palette.BUTTON_BG,
                         disabledforeground=palette.DISABLED_TEXT, insertbackground=palette.TEXT,
                         highlightthickness=1, highlightbackground=FIELD_LINE,
                         highlightcolor=sw.APP_BAND)
        text.trace_add("write", lambda *_: self._edit(key, text.get()))
        entry.bind("<FocusIn>", lambda _e: self.scroller.see(entry))
        self.entries[key] = entry
        self.widgets[key] = entry
        return entry

    def _message_row(self, grid: tk.Frame, keys: tuple[str, ...], span: int,
                     first: int = 0) -> None:
        """The line under a row where its problem shows (hidden while there is none)."""
        message = sw.label(grid, "", self.screen.fonts["small"], ERROR)
        message.grid(row=self._next_row(grid), column=first, columnspan=span, sticky=tk.W,
                     pady=(0, self.screen.px(4)))
        message.grid_remove()  # grid() shows it again where it was
        self.marked.append(_Marked(keys, message))

    def _next_row(self, grid: tk.Frame) -> int:
        """A new row of ``grid`` (counted here: grid_size() forgets hidden message rows)."""
        line = self._rows.get(str(grid), 0)
        self._rows[str(grid)] = line + 1
        return line

    # -- reacting --------------------------------------------------------------------------

    def _edit(self, key: str, value: form.FieldValue) -> None:
        self.draft.set(key, value)
        self._refresh()

    def _refresh(self) -> None:
        """Show every problem by its field, grey what does not apply, and Save's state."""
        problems = self.draft.problems()
        for marked in self.marked:
            found = [(key, problems[key]) for key in marked.keys if key in problems]
            for key in marked.keys:
                if key in self.entries:  # outlined in red, focused or not
                    self.entries[key].configure(
                        highlightbackground=ERROR if key in problems else FIELD_LINE,
                        highlightcolor=ERROR if key in problems else sw.APP_BAND)
            if found:
                marked.message.configure(text=form.message_for(*found[0], marked.keys))
                marked.message.grid()
            else:
                marked.message.grid_remove()
        self._grey_what_does_not_apply()
        self._other_problems()
        self._fit()  # a message shown or gone changes the body's height
        blocked = self.draft.blocking()
        self.save_button.configure(state=tk.DISABLED if blocked else tk.NORMAL,
                                   disabledforeground=palette.DISABLED_TEXT,
                                   bg=palette.BUTTON_BG if blocked else sw.APP_BAND)
        self.status.configure(text=form.BLOCKED if blocked else self._where(),
                              fg=ERROR if blocked else palette.MUTED)
        self._report()

    def _report(self) -> None:
        """Test hook: what the window shows now (the first report is present()'s, once mapped)."""
        if self.screen.root.winfo_ismapped():
            sw.report_geometry(self.screen, self.widgets, self._state())

    def _grey_what_does_not_apply(self) -> None:
        for rule in self.draft.rules:
            keys = form.rule_keys(rule.name)
            mode = self.draft.value(keys["schedule"])
            for choice in ("every", "at"):
                self.entries[keys[choice]].configure(
                    state=tk.NORMAL if mode == choice else tk.DISABLED)
        for _, rows in form.SECTIONS:   # a row's fields are used only while its box is ticked
            for row in rows:
                if row.flag is not None:
                    on = self.draft.value(row.flag) is True
                    for entry in row.entries:
                        self.entries[entry.key].configure(
                            state=tk.NORMAL if on else tk.DISABLED)
        problems = self.draft.problems()
        for action, key in form.ACTION_FIELDS.items():
            if action in self.buttons:
                self.buttons[action].configure(
                    state=tk.DISABLED if key in problems else tk.NORMAL)

    def _other_problems(self) -> None:
        others = self.draft.other_problems()
        if not others:
            self.others.configure(text="")
            self.others.pack_forget()
            return
        lines = [form.OTHER_PROBLEMS] + [f"{key}: {form.brief(detail)}"
                                         for key, detail, _ in others]
        new = any(caused for _, _, caused in others)
        self.others.configure(text="\n".join(lines), fg=ERROR if new else palette.TEXT)
        if not self.others.winfo_manager():
            first = next(w for w in self.others.master.pack_slaves() if w is not self.others)
            self.others.pack(fill=tk.X, pady=(0, self.screen.px(10)), before=first)

    def _where(self) -> str:
        return f"Saves to {form.short_path(self.path, Path.home())} · Esc cancels"

    def _state(self) -> dict[str, Any]:
        """For tests (the geometry hook): what the window shows besides where things are."""
        messages = [m.message.cget("text") for m in self.marked if m.message.winfo_manager()]
        return {"problems": self.draft.problems(), "messages": messages,
                "changed": self.draft.changed(),
                "save_enabled": str(self.save_button.cget("state")) == tk.NORMAL,
                "status": self.status.cget("text"), "others": self.others.cget("text"),
                "enabled": {key: str(button.cget("state")) == tk.NORMAL
                            for key, button in self.buttons.items()}}

    def _save(self) -> None:
        if self.draft.blocking() is not None:
            return
        wanted = self.autostart.get() if self.login is not None else None
        saved, problem = commit(self.draft, self.path, self.login, wanted)
        if problem is not None:
            self._say(problem)
            return
        self.outcome = Outcome(saved, self.tell_tray() if saved else "unchanged")
        self.screen.root.destroy()

    def _play(self) -> None:
        """Play the chime at the volume in its field (Play is greyed while that is bad)."""
        volume = str(self.draft.value(form.ACTION_FIELDS["play"])).strip()
        if not volume.isdigit():
            return
        problem = self.play_chime(int(volume))
        if problem is not None:
            self._say(problem)

    def _edit_file(self) -> None:
        """Open the file in the user's editor (what the window does not show is edited there);
        a later Save here refuses to overwrite what the editor saved."""
        assert self.open_file is not None
        if not self.path.exists():
            self._say("no file yet: Save creates it with your changes")
        elif not self.open_file(self.path):
            self._say(f"no program could open it; it is {self.path}")

    def _say(self, text: str) -> None:
        self.status.configure(text=text, fg=ERROR)
        log.warning("%s", text)
        self._report()

    # -- running ---------------------------------------------------------------------------

    def run(self) -> Outcome:
        """Show the window and return how it ended once it is closed."""
        widgets.run_dialog(self.screen, self.widgets, self._state, self._save)
        return self.outcome


def show_settings(draft: Draft, path: Path, login: StartAtLogin | None,
                  tell_tray: Callable[[], str],
                  open_file: Callable[[Path], bool] | None = None,
                  play_chime: PlayChime | None = None) -> Outcome:
    """Open the settings window over ``draft`` and return how it ended; ``open_file`` opens the
    file in an editor (the Edit the file… button, absent without it), ``play_chime`` plays the
    chime (the Play button, absent without it)."""
    return SettingsWindow(draft, path, login, tell_tray, open_file, play_chime).run()
