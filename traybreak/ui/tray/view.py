"""What the tray shows: icon look, tooltip and menu, refreshed from the engine's status.

pystray itself is imported only in ui/tray/icon.py; this module gets the module object from there.
Refreshes come from several threads; pystray's backends marshal them onto the icon's loop
(on xorg through traybreak's SAFE_HANDOFF fix), and unchanged values are never re-sent.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from traybreak.core.actions import EngineState, RuleStatus, Status, busy_words, prompt_words
from traybreak.core.durations import clock_label, humanize, next_clock_phrase, shift
from traybreak.ui.menu import MenuEntry, MenuFacts, build_menu
from traybreak.ui.tray import icon as tray
from traybreak.ui.tray.looks import TrayLook, TrayState, progress_step

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"\d+")

_LOOK = {
    EngineState.ACTIVE: TrayState.ACTIVE,
    EngineState.AWAY: TrayState.ACTIVE,
    EngineState.PROMPTING: TrayState.PROMPT,
    EngineState.PAUSED: TrayState.PAUSED,
    EngineState.OFF_HOURS: TrayState.OFF_HOURS,
}


@dataclass(frozen=True)
class TrayFacts:
    """Everything the tray shows, computed from the engine status and today's log."""

    look: TrayState
    ring: int | None   # the progress ring's step (tray_look.progress_step), None for no ring
    tooltip: str
    menu: MenuFacts


def progress_of(status: Status) -> float | None:
    """How far the nearest interval break is (0–1), for the icon's ring; None without one."""
    fractions = [
        1 - r.remaining / r.every for r in status.rules
        if r.remaining is not None and r.every
    ]
    return max(fractions) if fractions else None


def facts_for(status: Status | None, done_today: int, skipped_today: int,
              clock_times: dict[str, str], prompt_open: bool, autostart: bool,
              now: datetime) -> TrayFacts:
    """Everything the tray shows, from the engine status (as of ``now``, aware local time) and
    today's counts."""
    today = now.date()
    paused_label = ""
    if status is not None and status.paused:
        until = status.paused_until
        paused_label = "paused" if until is None else f"paused until {clock_label(until, today)}"
    waiting = busy_words(status.busy) if status is not None and not status.paused else None
    menu = MenuFacts(paused=bool(status and status.paused), paused_label=paused_label,
                     prompt_open=prompt_open, done_today=done_today,
                     skipped_today=skipped_today, autostart=autostart, waiting=waiting or "")
    if status is None:
        return TrayFacts(TrayState.ACTIVE, None, "traybreak is starting", menu)
    tooltip = tooltip_of(status, done_today, paused_label.capitalize(), clock_times, now)
    return TrayFacts(_LOOK[status.state], progress_step(progress_of(status)), tooltip, menu)


def tooltip_of(status: Status, done_today: int, paused_label: str,
               clock_times: dict[str, str], now: datetime) -> str:
    """E.g. "Stretch at 14:35 · Strengthen at 15:10 · Relax at 15:30 · 5 done today", after
    "Waiting: do not disturb" while prompts wait for a busy session; ``clock_times``: the clock
    rules' times of day, for those whose next time is not known."""
    waiting = busy_words(status.busy)
    if status.paused:
        head = [paused_label or "Paused"]
    elif waiting is not None and status.state is not EngineState.PROMPTING:
        head = [waiting, *_rule_words(status, clock_times, now)]
    elif status.state is EngineState.OFF_HOURS:
        head = ["Outside working hours"]
    elif status.state is EngineState.PROMPTING:
        head = ["Break time"]
    else:
        head = _rule_words(status, clock_times, now)
    return " · ".join([*head, f"{done_today} done today"])


def _rule_words(status: Status, clock_times: dict[str, str], now: datetime) -> list[str]:
    """Each rule's "Stretch at 14:35" (or what its prompt is doing)."""
    words = []
    for rule in status.rules:
        when = _rule_when(rule, clock_times, now)
        if when:
            words.append(f"{rule.name.replace('_', ' ').capitalize()} {when}")
    return words


def _rule_when(rule: RuleStatus, clock_times: dict[str, str], now: datetime) -> str | None:
    """What the tooltip says of one rule: its prompt's state, else when it is next.

    A running countdown is shown as the clock time it ends if the user keeps working ("at
    14:35"), not as minutes left: that time stays put while they work, so the tray has nothing
    to re-send each minute (a minute countdown meant a wake, a repaint and a host read-back every
    minute; issue 13's CPU budget). The ring shows the progress. A countdown that stands still
    (the user is away) is the work time left ("in 12 min"), which does not change either.
    """
    today = now.date()
    words = prompt_words(rule.prompt, rule.until, today)
    if words is not None:
        return words
    if rule.remaining is not None and rule.counting:
        return next_clock_phrase(_to_minute(shift(now, rule.remaining.total_seconds())), today)
    if rule.remaining is not None:
        return f"in {humanize(rule.remaining)}"
    if rule.next_at is not None:
        return next_clock_phrase(rule.next_at, today)
    return f"at {clock_times[rule.name]}" if rule.name in clock_times else None


def _to_minute(moment: datetime) -> datetime:
    """``moment`` rounded to the nearest minute (a tooltip shows hours and minutes)."""
    return (moment + timedelta(seconds=30)).replace(second=0, microsecond=0)


class TrayView:
    """Owns the pystray Icon: creates it, refreshes it, runs its loop on the calling thread."""

    def __init__(self, on_command: Callable[[str], None], on_click: Callable[[], None],
                 on_menu_opening: Callable[[], None] = lambda: None) -> None:
        self._on_command = on_command
        self._on_click = on_click
        self._on_menu_opening = on_menu_opening
        self._pystray = tray.load_pystray()
        self.backend = tray.backend_name(self._pystray)
        self._menu_entries: Sequence[MenuEntry] = ()
        self._shown: TrayFacts | None = None
        self._lock = threading.Lock()
        self.icon: Any = None

    @property
    def has_menu(self) -> bool:
        """True when the backend shows a native menu (not pystray's xorg backend)."""
        return bool(self._pystray.Icon.HAS_MENU)

    @property
    def can_notify(self) -> bool:
        """True when the backend can show desktop notifications."""
        return bool(self._pystray.Icon.HAS_NOTIFICATION)

    def create(self, facts: TrayFacts) -> None:
        """Build the icon (call on the thread that will run it)."""
        self._menu_entries = build_menu(facts.menu)
        self.icon = tray.create_icon(
            "traybreak", TrayLook(facts.look, facts.ring), facts.tooltip,
            self._pystray.Menu(self._native_items),
        )
        if hasattr(self.icon, "on_menu_opening"):  # the SNI icon asks before its menu opens
            self.icon.on_menu_opening = self._on_menu_opening
        self._shown = facts

    def run(self, setup: Callable[[Any], None]) -> None:
        """Show the icon and block in its loop until ``stop``."""
        tray.run_icon(self.icon, setup)

    def stop(self) -> None:
        """End the icon's loop (from any thread)."""
        if self.icon is not None:
            self.icon.stop()

    def refresh(self, facts: TrayFacts) -> None:
        """Send only what changed: the image, the tooltip, the menu."""
        with self._lock:
            shown, self._shown = self._shown, facts
            if self.icon is None or shown == facts:
                return
            try:
                if shown is None or (shown.look, shown.ring) != (facts.look, facts.ring):
                    tray.set_look(self.icon, TrayLook(facts.look, facts.ring))
                if shown is None or self._title_changed(shown.tooltip, facts.tooltip):
                    self.icon.title = facts.tooltip
                if shown is None or shown.menu != facts.menu:
                    self._menu_entries = build_menu(facts.menu)
                    if self.has_menu:
                        self.icon.update_menu()
            except Exception:  # a tray hiccup must not stop the engine thread that called us
                log.exception("could not refresh the tray icon")

    def _title_changed(self, before: str, after: str) -> bool:
        """Whether the icon's title must be re-sent for this tooltip change.

        On xorg the title is only the icon window's X name, which XEmbed trays do not show:
        re-sending the countdown there every minute was a third of the tray's CPU at rest. So on
        xorg only changes in words (a pause, a problem, a new state) are sent, not new numbers;
        the panel, xorg's menu, takes the up-to-date tooltip from ``tooltip()``.
        """
        if self.backend != "xorg":
            return before != after
        return _DIGITS.sub("#", before) != _DIGITS.sub("#", after)

    def notify(self, text: str) -> None:
        """A desktop notification where the backend has them (sni; not xorg)."""
        if self.icon is not None and self.can_notify:
            try:
                self.icon.notify(text, "traybreak")
            except Exception:
                log.warning("notification failed", exc_info=True)

    def icon_window(self) -> int | None:
        """The X window of an XEmbed icon (the notice toast opens beside it); None on other
        backends, whose icon's place on the screen is the tray host's secret."""
        window = getattr(self.icon, "_window", None) if self.backend == "xorg" else None
        return int(window.id) if window is not None else None

    def tooltip(self) -> str:
        """The tooltip shown now (the panel window uses it as its header)."""
        return self._shown.tooltip if self._shown is not None else ""

    def menu_entries(self) -> Sequence[MenuEntry]:
        """The menu as data (the panel window shows these where there is no native menu)."""
        return self._menu_entries

    def _native_items(self) -> list[Any]:
        # The click action comes first: on xorg (no menu) it is the only thing pystray uses.
        click = self._pystray.MenuItem("traybreak", lambda *_: self._on_click(), default=True,
                                       visible=not self.has_menu)
        return [click, *(self._native(entry) for entry in self._menu_entries)]

    def _native(self, entry: MenuEntry) -> Any:
        pystray = self._pystray
        if entry.label == "-":
            return pystray.Menu.SEPARATOR
        if entry.children:
            return pystray.MenuItem(entry.label, pystray.Menu(*map(self._native, entry.children)),
                                    enabled=entry.enabled)
        command = entry.command
        action = (lambda *_: self._on_command(command)) if command else None
        checked = (lambda _item: bool(entry.checked)) if entry.checked is not None else None
        return pystray.MenuItem(entry.label, action, enabled=entry.enabled, checked=checked)
