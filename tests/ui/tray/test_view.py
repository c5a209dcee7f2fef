"""What the tray view re-sends to the icon: only what changed, and on xorg no title for a
countdown that only ticked (XEmbed trays do not show it); and how it words the end of a pause."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from traybreak.core.actions import EngineState, RuleStatus, Status
from traybreak.core.model import Kind, Reason
from traybreak.ui.menu import MenuEntry, MenuFacts, build_menu
from traybreak.ui.tray.looks import TrayState
from traybreak.ui.tray.view import TrayFacts, TrayView, facts_for

CET = timezone(timedelta(hours=1))


class FakeIcon:
    """Records what the view sets on it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("icon", "title"):
            self.sent.append((name, value))
        object.__setattr__(self, name, value)

    def update_menu(self) -> None:
        self.sent.append(("menu", None))


def view_on(backend: str) -> tuple[TrayView, FakeIcon]:
    view = TrayView.__new__(TrayView)  # no pystray: only refresh's bookkeeping is under test
    view.backend, view._shown, view._lock, view._menu_entries = backend, None, threading.Lock(), ()
    view._pystray = SimpleNamespace(Icon=SimpleNamespace(HAS_MENU=backend != "xorg"))
    view.icon = icon = FakeIcon()
    return view, icon


MENU = MenuFacts(paused=False, paused_label="", prompt_open=False, done_today=0,
                 skipped_today=0, autostart=False)


def facts(tooltip: str, ring: int | None = 3, look: TrayState = TrayState.ACTIVE) -> TrayFacts:
    return TrayFacts(look, ring, tooltip, MENU)


@pytest.mark.parametrize(("backend", "sent"), [("xorg", []), ("appindicator",
                         [("title", "Stretch in 23 min · 0 done today")])])
def test_a_ticking_countdown_is_sent_only_where_a_tooltip_shows(backend: str,
                                                                 sent: list[Any]) -> None:
    view, icon = view_on(backend)
    view.refresh(facts("Stretch in 24 min · 0 done today"))
    icon.sent.clear()
    view.refresh(facts("Stretch in 23 min · 0 done today"))
    assert icon.sent == sent
    assert view.tooltip() == "Stretch in 23 min · 0 done today"  # the panel's header is fresh


def test_on_xorg_a_change_in_words_is_sent() -> None:
    view, icon = view_on("xorg")
    view.refresh(facts("Stretch in 24 min · 0 done today"))
    icon.sent.clear()
    view.refresh(facts("Paused until 15:30 · 0 done today", ring=None, look=TrayState.PAUSED))
    assert [name for name, _ in icon.sent] == ["icon", "title"]


def test_nothing_is_sent_when_nothing_changed() -> None:
    view, icon = view_on("xorg")
    view.refresh(facts("Stretch in 24 min · 0 done today"))
    icon.sent.clear()
    view.refresh(facts("Stretch in 24 min · 0 done today"))
    assert icon.sent == []


def test_the_icon_is_sent_when_the_ring_moves_a_step() -> None:
    view, icon = view_on("xorg")
    view.refresh(facts("Stretch in 24 min · 0 done today", ring=3))
    icon.sent.clear()
    view.refresh(facts("Stretch in 22 min · 0 done today", ring=4))
    assert [name for name, _ in icon.sent] == ["icon"]


@pytest.mark.parametrize(("until", "label"), [
    (datetime(2026, 11, 26, 15, 30), "paused until 15:30"),
    (datetime(2026, 11, 27, 9, 0), "paused until tomorrow 09:00"),
    (datetime(2026, 11, 28, 9, 0), "paused until Sat 09:00"),
    (None, "paused"),
])
def test_the_end_of_a_pause_is_a_clock_time_with_the_weekday_on_another_day(
        until: datetime | None, label: str) -> None:
    status = Status(EngineState.PAUSED, paused=True, paused_until=until, skip_next=False,
                    prompt=None, rules=(), idle=None)
    shown = facts_for(status, 0, 0, {}, prompt_open=False, autostart=False,
                      now=datetime(2026, 11, 26, 10, 0, tzinfo=CET))
    assert shown.menu.paused_label == label
    assert shown.tooltip == f"{label.capitalize()} · 0 done today"


def test_the_tooltip_says_what_each_rule_is_doing_and_the_day_of_a_clock_rule() -> None:
    now = datetime(2026, 11, 27, 14, 0, tzinfo=CET)   # a Friday
    rules = (
        RuleStatus("stretch", Kind.STRETCH, timedelta(0), timedelta(minutes=25),
                   prompt="snoozed", until=datetime(2026, 11, 27, 15, 5)),
        RuleStatus("strengthen", Kind.STRENGTHEN, timedelta(minutes=12), timedelta(minutes=55)),
        RuleStatus("relax", Kind.RELAX, None, None, next_at=datetime(2026, 11, 28, 15, 30)),
        RuleStatus("walk", None, None, None, next_at=datetime(2026, 11, 30, 12, 30)),
    )
    status = Status(EngineState.ACTIVE, paused=False, paused_until=None, skip_next=False,
                    prompt="stretch", rules=rules, idle=None)
    shown = facts_for(status, 2, 0, {"relax": "15:30", "walk": "12:30"}, prompt_open=False,
                      autostart=False, now=now)
    assert shown.tooltip == ("Stretch snoozed until 15:05 · Strengthen in 12 min · "
                             "Relax tomorrow 15:30 · Walk Mon 12:30 · 2 done today")


def test_the_tooltip_and_the_menu_header_say_why_prompts_wait() -> None:
    rules = (RuleStatus("stretch", Kind.STRETCH, timedelta(0), timedelta(minutes=25),
                        prompt="held"),
             RuleStatus("strengthen", Kind.STRENGTHEN, timedelta(minutes=12),
                        timedelta(minutes=55)))
    status = Status(EngineState.ACTIVE, paused=False, paused_until=None, skip_next=False,
                    prompt=None, rules=rules, idle=None, busy=Reason.DND)
    shown = facts_for(status, 1, 0, {}, prompt_open=False, autostart=False,
                      now=datetime(2026, 11, 27, 14, 0, tzinfo=CET))
    assert shown.tooltip == ("Waiting: do not disturb · Stretch held back until the screen is "
                             "free · Strengthen in 12 min · 1 done today")
    entries = build_menu(shown.menu)
    assert entries[0] == MenuEntry("Waiting: do not disturb", enabled=False)
    free = facts_for(replace(status, busy=None), 1, 0, {}, prompt_open=False, autostart=False,
                     now=datetime(2026, 11, 27, 14, 0, tzinfo=CET))
    assert not free.tooltip.startswith("Waiting") and free.menu.waiting == ""
    assert build_menu(free.menu)[0].label == "Take a break now"
    full = facts_for(replace(status, busy=Reason.FULLSCREEN), 1, 0, {}, prompt_open=False,
                     autostart=False, now=datetime(2026, 11, 27, 14, 0, tzinfo=CET))
    assert full.tooltip.startswith("Waiting: full screen · ")


def _working(remaining: timedelta, now: datetime) -> str:
    rules = (RuleStatus("stretch", Kind.STRETCH, remaining, timedelta(minutes=30),
                        counting=True),
             RuleStatus("strengthen", Kind.STRENGTHEN, timedelta(minutes=12),
                        timedelta(minutes=55)))   # not counting: the user is away
    status = Status(EngineState.ACTIVE, paused=False, paused_until=None, skip_next=False,
                    prompt=None, rules=rules, idle=None)
    return facts_for(status, 3, 0, {}, prompt_open=False, autostart=False, now=now).tooltip


def test_a_running_countdown_reads_as_the_clock_time_it_ends_and_stays_put_as_it_runs() -> None:
    """While the user works, the tooltip names the time the break falls due (to the nearest
    minute), so it does not change from one minute to the next: the tray has nothing to re-send.
    A countdown that stands still says the work time left."""
    start = datetime(2026, 11, 27, 14, 22, 10, tzinfo=CET)
    first = _working(timedelta(minutes=12, seconds=40), start)
    assert first == "Stretch at 14:35 · Strengthen in 12 min · 3 done today"
    for later in (61, 300, 700):   # the same countdown, that much later
        moved = timedelta(minutes=12, seconds=40 - later)
        assert _working(moved, start + timedelta(seconds=later)) == first
    late = datetime(2026, 11, 27, 23, 50, tzinfo=CET)
    assert _working(timedelta(minutes=25), late).startswith("Stretch tomorrow 00:15 · ")
