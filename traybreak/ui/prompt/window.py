"""The prompt window (Tk, in its own child process): shows one card, runs the countdown, the
figure animation and the pacer, and ends with exactly one PromptResult. Main thread only.

Input guard: every key and button is ignored for ``request.guard_ms`` after the window maps,
so a stray keystroke from someone typing cannot answer it. Focus is never forced.
Closing through the window manager counts as Skip (and does nothing while Skip is locked);
minimising it is undone at once.

After Done, an exercise prompt that asks for it (``request.feedback``) shows "Too easy / Too
hard / This hurts" in place of the buttons for a few seconds; a choice, Enter, Esc or the close
button ends it, and the one result line says done, with the feedback if one was chosen.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import time
import tkinter as tk
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, Literal

from traybreak.core.model import Feedback, Outcome, Reason
from traybreak.ui.figures.cache import FigureCache, Frame
from traybreak.ui.prompt import layout as lay
from traybreak.ui.prompt import view as prompt_view
from traybreak.ui.prompt.card import Card
from traybreak.ui.prompt.countdown import holds_ended, segments, state_at
from traybreak.ui.protocol import PromptRequest, PromptResult
from traybreak.ui.toolkit import geometry, palette, screen
from traybreak.ui.toolkit.lifeline import watch_tray

log = logging.getLogger(__name__)

GEOMETRY_ENV = "TRAYBREAK_TEST_GEOMETRY_FILE"  # test hook: where to write button positions
TICK_MS = 100
PACER_MS = 40
DRAWER_POLL_MS = 30  # how often to look whether the figure drawer is done
DRAWER_WAIT_S = 15   # then draw here instead
SCREEN_MARGIN = 48   # keep this much of the monitor free (panels, docks) when fitting
BUTTON_OUTCOMES = {"done": Outcome.DONE, "snooze": Outcome.SNOOZED, "skip": Outcome.SKIPPED}
# The feedback row after Done ends this long before the prompt would have closed by itself, so
# the tray (whose own timeout started a little earlier, at launch) never closes it first.
FEEDBACK_MARGIN_S = 3.0
FEEDBACK_LEAST_S = 2.0     # less time than this left at Done: no feedback row, just close
FEEDBACK_GUARD_S = 0.4     # a double click on Done must not land on a choice


def run_prompt(request: PromptRequest, card: Card, probe: screen.MonitorProbe | None = None,
               figures: FigureCache | None = None,
               chime: Callable[[], None] | None = None) -> PromptResult:
    """Show the window until it is answered or times out; returns how it ended.

    Pass a ``probe`` started earlier to overlap the monitor lookup with other start-up work,
    ``figures`` to keep drawn figures on disk (else each is drawn, and not kept), and a
    ``chime`` (returning at once) to sound when it opens and when each hold ends.
    """
    screen.make_dpi_aware()
    probe = probe or screen.MonitorProbe()
    root = tk.Tk(className="traybreak")
    root.withdraw()
    window = PromptWindow(root, card, request, probe, figures, chime)
    # Its tray gone, nobody would read an answer: close at once (the tray's log row, left open,
    # is closed as ignored/crashed when the tray next starts).
    watch_tray(root, lambda: window.finish(
        window.ended(Outcome.IGNORED, "tray-gone", Reason.STOPPED)))
    root.mainloop()
    return window.result or window.ended(Outcome.IGNORED, "lost", Reason.CRASHED)


class PromptWindow:
    """One prompt on screen; ``result`` is set once it has been answered or gave up."""

    def __init__(self, root: tk.Tk, card: Card, request: PromptRequest,
                 probe: screen.MonitorProbe, figures: FigureCache | None = None,
                 chime: Callable[[], None] | None = None) -> None:
        self.root, self.card, self.request = root, card, request
        self.chime = chime
        self.holds_ended = 0
        self.result: PromptResult | None = None
        self.asking: PromptResult | None = None    # Done pressed; the feedback row is up
        self.ask_from = self.ask_until = 0.0
        self.shown_at: float | None = None
        self.mapped_wall = 0.0
        self.accepting = False
        self.segments = segments(card.plan, card.countdown_s)
        self.timeout_s = request.effective_timeout(
            timedelta(seconds=card.countdown_s) if card.countdown_s else None).total_seconds()
        self._frames: dict[bool, list[tuple[tk.PhotoImage, int]]] = {}
        self._side_mirror: bool | None = None
        self._frame_job: str | None = None
        self.figures = figures or FigureCache(None)
        self._drawer: subprocess.Popen[bytes] | None = None
        self._drawer_deadline = 0.0
        self.area = screen.pointer_area(root, probe)
        self.scale = screen.apply_scaling(root, self.area)
        self.button_states = lay.button_states(request, 0.0)
        self.view = self._layout()
        self._configure_window()

    # -- building ----------------------------------------------------------------------------

    def _layout(self) -> prompt_view.View:
        """Build the roomiest layout that fits the monitor (see prompt_view.fit_plans)."""
        font_set = screen.fonts(self.root)
        limit = self.area.height - SCREEN_MARGIN
        for sizes in prompt_view.fit_plans(self.card, self.area, self.scale):
            view = self._build(sizes, font_set)
            height = self.root.winfo_reqheight()
            if height <= limit and self.root.winfo_reqwidth() <= self.area.width:
                break
            log.debug("layout %s is %s px tall (room: %s); trying the next", sizes, height, limit)
        else:
            if view.message is not None:  # a message taller than the screen: it scrolls instead
                room = view.message.winfo_reqheight() - (height - limit)
                sizes = replace(sizes, message_height=max(sizes.px(60), room))
                view = self._build(sizes, font_set)
        self.sizes = sizes
        return view

    def _build(self, sizes: prompt_view.Sizes, font_set: dict[str, Any]) -> prompt_view.View:
        for child in self.root.winfo_children():
            child.destroy()
        view = prompt_view.build(self.root, self.card, sizes, font_set, self.segments,
                                 [k for k, state in self.button_states.items() if state.shown])
        self.root.update_idletasks()
        return view

    def _configure_window(self) -> None:
        root = self.root
        root.title(self.card.window_title)
        root.resizable(False, False)
        root.attributes("-topmost", True)
        if root.tk.call("tk", "windowingsystem") == "x11":
            root.attributes("-type", "dialog")  # tiling WMs float it; never a taskbar hog
        x, y = geometry.centred(self.area, root.winfo_reqwidth(), root.winfo_reqheight())
        root.geometry(f"+{x}+{y}")
        # The window manager's close button counts as Skip (a no-op while Skip is locked).
        root.protocol("WM_DELETE_WINDOW", lambda: self.answer(Outcome.SKIPPED, "window-close"))
        for key in ("<Return>", "<KP_Enter>"):
            root.bind(key, lambda _e: self.answer(Outcome.DONE, "key"))
        for key in ("<s>", "<S>"):
            root.bind(key, lambda _e: self.answer(Outcome.SNOOZED, "key"))
        root.bind("<Escape>", lambda _e: self.answer(Outcome.SKIPPED, "key"))
        for key, button in self.view.buttons.items():  # Snooze may not be there
            button.configure(command=partial(self.answer, BUTTON_OUTCOMES[key], "button"))
        for key, button in self.view.feedback.items():
            button.configure(command=partial(self.felt, Feedback(key)))
        self._refresh_buttons(0.0)
        root.bind("<Map>", self._mapped)
        root.bind("<Unmap>", self._unmapped)
        root.update_idletasks()  # the wrapper window must exist to carry the no-focus hint
        screen.ask_not_to_be_focused(root)
        root.deiconify()

    # -- timers ------------------------------------------------------------------------------

    def _mapped(self, event: tk.Event[tk.Misc]) -> None:
        if event.widget is not self.root or self.shown_at is not None:
            return
        self.shown_at = time.monotonic()
        self.mapped_wall = time.time()  # for bench/prompt_open.py: launch-to-map time
        self.root.after(max(0, self.request.guard_ms), self._open_guard)
        self.root.after(TICK_MS, self._tick)
        if self.view.pacer is not None:
            self.root.after(0, self._pace)
        if self.card.exercise is not None and self.view.figure is not None:
            self.root.after(0, self._start_figure)
        if os.environ.get(GEOMETRY_ENV):
            self.root.after(50, self._write_geometry, os.environ[GEOMETRY_ENV])
        self._sound()
        self._tick_once()

    def _unmapped(self, event: tk.Event[tk.Misc]) -> None:
        # Minimised, a prompt is lost until its timeout where no taskbar can bring it back:
        # restore it at once, as Workrave and Stretchly keep their break windows up.
        if event.widget is self.root and self.result is None and self.root.state() == "iconic":
            log.debug("minimised: restoring")
            self.root.after_idle(self.root.deiconify)

    def _open_guard(self) -> None:
        self.accepting = True
        log.debug("input guard over")

    def elapsed(self) -> float:
        """Seconds since the window was first mapped."""
        return 0.0 if self.shown_at is None else time.monotonic() - self.shown_at

    def _tick(self) -> None:
        if self.result is not None:
            return
        self._tick_once()
        if self.result is None:
            self.root.after(TICK_MS, self._tick)

    def _tick_once(self) -> None:
        t = self.elapsed()
        if self.asking is not None:
            self._tick_feedback(t)
            return
        if t >= self.timeout_s:
            self.finish(self.ended(Outcome.IGNORED, "timeout", Reason.TIMEOUT))
            return
        left = self.timeout_s - t
        side = 0
        if self.view.status is not None and self.view.bar is not None:
            state = state_at(self.segments, self.card.countdown_s, t)
            self._hold_ends(t)
            self.view.bar.set(state.fraction)
            band = palette.style_for(self.card.kind).band  # the kind's colour marks a change
            self.view.status.configure(text=state.text, fg=band if state.switching or
                                       state.finished else palette.TEXT)
            side = state.side
        if self.view.figure is not None:
            self._show_side(self.request.mirror != bool(side))
        if self.view.closes is not None:
            self.view.closes.configure(text=f"Closes by itself in {lay.clock(left)}"
                                       if left <= 60 else "")
        self._refresh_buttons(t)

    def _hold_ends(self, t: float) -> None:
        ended = holds_ended(self.segments, self.card.countdown_s, t)
        if ended > self.holds_ended:
            self.holds_ended = ended
            self._sound()

    def _sound(self) -> None:
        if self.chime is not None:
            try:
                self.chime()
            except Exception:  # a sound is a courtesy: the prompt goes on without it
                log.exception("the chime failed")

    def _pace(self) -> None:
        if self.result is None and self.view.pacer is not None:
            phase = self.view.pacer.show(self.elapsed())
            if self.view.pacer_words is not None:
                self.view.pacer_words.configure(text=phase.words)
            self.root.after(PACER_MS, self._pace)

    def _refresh_buttons(self, t: float) -> None:
        self.button_states = lay.button_states(self.request, t)
        for key, state in self.button_states.items():
            button = self.view.buttons.get(key)
            if button is None:  # not shown (Snooze on a prompt that cannot be snoozed)
                continue
            wanted: Literal["normal", "disabled"] = "normal" if state.enabled else "disabled"
            if button.cget("text") != state.label or str(button.cget("state")) != wanted:
                button.configure(text=state.label, state=wanted,
                                 cursor="hand2" if state.enabled else "arrow")
            if self.view.notes[key].cget("text") != state.note:
                self.view.notes[key].configure(text=state.note)

    # -- the illustration ---------------------------------------------------------------------

    def _start_figure(self) -> None:
        """Load the figure's frames: PNG files Tk reads itself when it was drawn before, else
        drawn by a process of its own into the cache and then read (figures/cache.py: Pillow
        and drawing were a third of this window's memory); drawn here only when that fails.
        The other side's frames are these, flipped by Tk."""
        exercise, size = self.card.exercise, self.sizes.figure
        if exercise is None or self.result is not None:
            return
        kept = self.figures.lookup(exercise, size)
        if kept is None and self.figures.drawer:
            try:
                self._drawer = subprocess.Popen(
                    [*self.figures.drawer, str(size)], stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                self._drawer_deadline = time.monotonic() + DRAWER_WAIT_S
                self.root.after(DRAWER_POLL_MS, self._await_drawer)
                return
            except OSError as err:
                log.info("cannot start the figure drawer (%s); drawing here", err)
        self._load_figure(kept)

    def _await_drawer(self) -> None:
        drawer = self._drawer
        if drawer is None or self.result is not None:
            return
        if drawer.poll() is None and time.monotonic() < self._drawer_deadline:
            self.root.after(DRAWER_POLL_MS, self._await_drawer)
            return
        self._drawer = None
        if drawer.poll() is None:
            drawer.kill()
        _, err = drawer.communicate()
        if drawer.returncode:
            log.info("the figure drawer failed (%s): %s; drawing here", drawer.returncode,
                     err.decode(errors="replace").strip()[-300:])
        assert self.card.exercise is not None
        self._load_figure(self.figures.lookup(self.card.exercise, self.sizes.figure))

    def _load_figure(self, kept: list[Frame] | None) -> None:
        exercise, size = self.card.exercise, self.sizes.figure
        assert exercise is not None
        try:
            photos = None
            try:
                photos = _photos(kept) if kept else None
            except tk.TclError as err:  # a damaged file in the cache: drawn again, here
                log.info("the kept figure of %s is unreadable (%s); drawing it", exercise.id, err)
            self._frames[False] = photos or _photos(self.figures.draw_and_keep(exercise, size))
        except Exception:  # a broken figure must not take the prompt down
            log.exception("cannot draw the figure for %s", exercise.id)
            self._frames[False] = []
        self._tick_once()
        if os.environ.get(GEOMETRY_ENV):  # the test hook again, now with the figure
            self.root.after(0, self._write_geometry, os.environ[GEOMETRY_ENV])

    def _show_side(self, mirror: bool) -> None:
        if False not in self._frames:
            return  # not loaded yet
        if mirror not in self._frames:  # Tk flips the photo: a subsample of -1 across
            self._frames[mirror] = [(photo.subsample(-1, 1), hold)
                                    for photo, hold in self._frames[False]]
        if mirror == self._side_mirror or not self._frames[mirror]:
            return
        self._side_mirror = mirror
        if self._frame_job is not None:
            self.root.after_cancel(self._frame_job)
        self._animate(mirror, 0)

    def _animate(self, mirror: bool, index: int) -> None:
        frames = self._frames[mirror]
        photo, hold = frames[index % len(frames)]
        if self.view.figure is not None:
            self.view.figure.configure(image=photo)
        if len(frames) > 1:
            self._frame_job = self.root.after(hold, self._animate, mirror, index + 1)

    # -- answers -----------------------------------------------------------------------------

    def answer(self, outcome: Outcome, via: str) -> None:
        """A button, key or window close asked for ``outcome``; honoured only when allowed.
        While the feedback row is up, Enter, Esc and closing the window end it (no feedback)."""
        if self.result is not None:
            return
        if self.asking is not None:
            if outcome is not Outcome.SNOOZED:
                self.finish(self.asking)
            return
        if not self.accepting:
            log.debug("%s by %s ignored: input guard", outcome, via)
            return
        key = next(k for k, o in BUTTON_OUTCOMES.items() if o is outcome)
        if not self.button_states[key].enabled:
            log.debug("%s by %s ignored: %s", outcome, via, self.button_states[key].note)
            return
        if outcome is Outcome.DONE and self._feedback_time() >= FEEDBACK_LEAST_S:
            self._ask_feedback(self.ended(outcome, via))
        else:
            self.finish(self.ended(outcome, via))

    # -- feedback after Done ---------------------------------------------------------------------

    def _feedback_time(self) -> float:
        """How long the feedback row may stay up from now (0: the window has none)."""
        if self.view.feedback_row is None or not self.view.feedback:
            return 0.0
        left = self.timeout_s - self.elapsed() - FEEDBACK_MARGIN_S
        return max(0.0, min(self.request.feedback.total_seconds(), left))

    def _ask_feedback(self, done: PromptResult) -> None:
        self.asking = done
        self.ask_from = self.elapsed()
        self.ask_until = self.ask_from + self._feedback_time()
        prompt_view.show_feedback(self.view, self.sizes)
        self._tick_feedback(self.ask_from)
        if os.environ.get(GEOMETRY_ENV):
            self.root.after(50, self._write_geometry, os.environ[GEOMETRY_ENV])

    def _tick_feedback(self, t: float) -> None:
        assert self.asking is not None
        if t >= self.ask_until:
            self.finish(self.asking)
        elif self.view.feedback_note is not None:
            self.view.feedback_note.configure(
                text=f"Optional · closes in {int(self.ask_until - t + 0.999)} s")

    def felt(self, feedback: Feedback) -> None:
        """A feedback choice after Done: the prompt ends done, with ``feedback``."""
        if self.asking is None or self.result is not None:
            return
        if self.elapsed() - self.ask_from < FEEDBACK_GUARD_S:
            log.debug("%s ignored: too soon after Done", feedback)
            return
        self.finish(replace(self.asking, feedback=feedback))

    def ended(self, outcome: Outcome, via: str, reason: Reason | None = None) -> PromptResult:
        """The result for ending now with ``outcome``."""
        extra: dict[str, Any] = {"via": via}
        if self.card.exercise is not None:
            extra["exercise_id"] = self.card.exercise.id
        if outcome is Outcome.SNOOZED:
            extra["snooze_s"] = int(self.request.snooze.total_seconds())
        return PromptResult(outcome, round(self.elapsed(), 3), reason, None,
                            self.request.occurrence, extra)

    def finish(self, result: PromptResult) -> None:
        """Record ``result`` and close the window (ends mainloop)."""
        if self.result is None:
            self.result = result
            if self._drawer is not None:  # answered before the figure came: not needed now
                self._drawer.kill()
                self._drawer.wait()
            self.root.destroy()

    # -- test hook ---------------------------------------------------------------------------

    def _write_geometry(self, path: str) -> None:
        self.root.update_idletasks()
        data = {
            "window": _box(self.root),
            "buttons": {key: _box(b) for key, b in self.view.buttons.items()
                        if self.asking is None},
            "feedback": {key: _box(b) for key, b in self.view.feedback.items()
                         if self.asking is not None},
            "area": vars(self.area), "scale": self.scale, "figure": self.sizes.figure,
            "title": self.card.window_title, "mapped_at": self.mapped_wall,
            "countdown_s": self.card.countdown_s, "timeout_s": self.timeout_s,
            # what the window has loaded (memory: no Pillow, python-xlib or hashlib here)
            "figure_frames": len(self._frames.get(False, [])),
            "packages": sorted({name.partition(".")[0] for name in sys.modules}),
            "figure_box": _box(self.view.figure) if self.view.figure is not None else None}
        tmp = Path(path).with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)  # atomic: a test polling the file never reads half of it


def _box(widget: tk.Misc) -> dict[str, int]:
    return {"x": widget.winfo_rootx(), "y": widget.winfo_rooty(),
            "width": widget.winfo_width(), "height": widget.winfo_height()}


def _photos(frames: list[Frame]) -> list[tuple[tk.PhotoImage, int]]:
    """Each frame as a Tk photo with how long it shows (at least 60 ms)."""
    return [(_photo(frame), max(60, frame.hold_ms)) for frame in frames]


def _photo(frame: Frame) -> tk.PhotoImage:
    """A frame as a Tk photo: Tk 8.6 reads PNG itself (no Pillow, no ImageTk)."""
    if frame.path is not None:
        return tk.PhotoImage(file=str(frame.path))
    return tk.PhotoImage(data=base64.b64encode(frame.png).decode("ascii"))
