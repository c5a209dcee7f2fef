"""What the tray view re-sends to the icon: only what changed, and on xorg no title for a
countdown that only ticked (XEmbed trays do not show it)."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from traybreak.ui.menu import MenuFacts
from traybreak.ui.tray_look import TrayState
from traybreak.ui.tray_view import TrayFacts, TrayView


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
