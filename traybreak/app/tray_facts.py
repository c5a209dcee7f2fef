"""What the tray shows, gathered: the engine's status, today's counts from the log and the
autostart state, the last two cached so the once-a-minute refresh reads no database and no
autostart file at rest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime

from traybreak.core import stats
from traybreak.core.actions import Status
from traybreak.core.model import Rule
from traybreak.core.stats import Counts
from traybreak.platform.autostart.base import Autostart, AutostartState
from traybreak.platform.launcher import launcher_argv
from traybreak.store.prompt_log import Store
from traybreak.ui.tray.view import TrayFacts, facts_for

#: Heads the tooltip (and the xorg panel) while the config file has problems.
SETTINGS_NOT_USED = "Settings file not used (traybreak config check)"


class TrayFactsSource:
    """Builds the tray's facts; ``log_written``, ``recheck_autostart`` and ``set_autostart``
    drop what they change."""

    def __init__(self, store: Store, autostart: Callable[[], Autostart],
                 wall: Callable[[], datetime]) -> None:
        self.store, self._autostart, self._wall = store, autostart, wall
        self._today: tuple[date, Counts] | None = None
        self._autostart_on: bool | None = None

    def today(self) -> Counts:
        """Today's counts (read from the log again after a write or past midnight)."""
        now = self._wall()
        cached = self._today
        if cached is not None and cached[0] == now.date():
            return cached[1]
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        counts = stats.count(self.store.prompts(since=midnight))
        self._today = (now.date(), counts)
        return counts

    def log_written(self) -> None:
        """Log rows may have changed: today is counted again at the next read."""
        self._today = None

    def facts(self, status: Status | None, rules: Iterable[Rule], prompt_open: bool,
              config_problem: str | None, log_problem: str | None = None) -> TrayFacts:
        """Icon, tooltip and menu for ``status``; a config problem heads the tooltip, and a log
        that cannot be written ("Log can't be written: disk full") heads it and the menu."""
        today = self.today()
        clock_times = {r.name: r.at.strftime("%H:%M") for r in rules if r.at}
        facts = facts_for(status, today.done, today.skipped, clock_times, prompt_open,
                          self.autostart_on(), self._wall().date())
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
