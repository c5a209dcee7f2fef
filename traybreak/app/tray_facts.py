"""What the tray shows, gathered: the engine's status, today's counts and the autostart state.

Today's counts are kept as the prompts end, not read from the log: they are read once at start,
then each final row the engine records adds one, and a new day starts from nothing. Reading the
day's rows again at every refresh cost more with every prompt (at the shortest intervals a busy
day's log made each prompt three times dearer, issue 18 point 10). The autostart state is cached,
so the once-a-minute refresh reads no database and no autostart file at rest."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime

from traybreak.core import stats
from traybreak.core.actions import Status
from traybreak.core.model import PromptRecord, Rule
from traybreak.core.stats import Counts
from traybreak.platform.autostart.base import Autostart, AutostartState
from traybreak.platform.launcher import launcher_argv
from traybreak.ui.tray.view import TrayFacts, facts_for

#: Heads the tooltip (and the xorg panel) while the config file has problems.
SETTINGS_NOT_USED = "Settings file not used (traybreak config check)"


class TrayFactsSource:
    """Builds the tray's facts. ``today_so_far``: the log's rows of the prompts due today, read
    once at start; ``recorded`` counts each row the engine records from then on;
    ``recheck_autostart`` and ``set_autostart`` drop the cached autostart state. Thread-safe."""

    def __init__(self, today_so_far: Iterable[PromptRecord], autostart: Callable[[], Autostart],
                 wall: Callable[[], datetime]) -> None:
        self._autostart, self._wall = autostart, wall
        self._lock = threading.Lock()
        self._day: date = wall().date()
        self._counts = stats.count(today_so_far)
        self._autostart_on: bool | None = None

    def today(self) -> Counts:
        """Today's counts: the prompts due today that have ended, each way."""
        day = self._wall().date()
        with self._lock:
            self._move_to(day)
            return self._counts

    def recorded(self, record: PromptRecord) -> None:
        """The engine recorded ``record`` (on its way to the log): a final row (one per prompt)
        counts on the day its prompt fell due, if that is today; an open row does not count."""
        if record.outcome is None:
            return
        now = self._wall()
        due = stats.local_day(record.due_at, now.tzinfo or UTC)
        with self._lock:
            self._move_to(now.date())
            if due == self._day:
                self._counts += stats.count([record])

    def _move_to(self, day: date) -> None:
        """A new day (midnight passed, or the clock was set) starts from nothing. (The tray has
        counted every prompt since it started, and another day's prompts have not been due
        yet; only a clock set back to a day already logged would count that day from here.)"""
        if day != self._day:
            self._day, self._counts = day, Counts()

    def facts(self, status: Status | None, rules: Iterable[Rule], prompt_open: bool,
              config_problem: str | None, log_problem: str | None = None) -> TrayFacts:
        """Icon, tooltip and menu for ``status``; a config problem heads the tooltip, and a log
        that cannot be written ("Log can't be written: disk full") heads it and the menu."""
        today = self.today()
        clock_times = {r.name: r.at.strftime("%H:%M") for r in rules if r.at}
        facts = facts_for(status, today.done, today.skipped, clock_times, prompt_open,
                          self.autostart_on(), self._wall())
        if config_problem:  # the xorg tray has no notifications: the panel header says it
            facts = replace(facts, tooltip=f"{SETTINGS_NOT_USED} · {facts.tooltip}")
        if log_problem:
            facts = replace(facts, tooltip=f"{log_problem} · {facts.tooltip}",
                            menu=replace(facts.menu, problem=log_problem))
        return facts

    def autostart_on(self) -> bool:
        """Whether traybreak starts at login (an unreadable entry counts as off)."""
        if self._autostart_on is None:
            try:
                self._autostart_on = self._autostart().status().state is AutostartState.ENABLED
            except OSError:
                self._autostart_on = False
        return self._autostart_on

    def recheck_autostart(self) -> None:
        """The menu is opening: read the autostart state again at the next ``facts``
        (`traybreak autostart enable|disable` may have changed it behind the tray's back)."""
        self._autostart_on = None

    def set_autostart(self, enabled: bool) -> None:
        """Turn start at login on or off (the menu's check box: the state the user clicked for,
        whatever the entry says now; a broken entry is rewritten)."""
        adapter = self._autostart()
        if enabled and adapter.status().state is not AutostartState.ENABLED:
            adapter.enable(launcher_argv())
        elif not enabled:
            adapter.disable()
        self._autostart_on = None
