"""The tray's hands (ActionSink) when a prompt window crashes while the app is stopping: at
logout the X server goes away under the window and the tray at once, and the prompt must be
logged ignored/stopped, not crashed. Real child processes stand in for the window; no display.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from traybreak import app_actions
from traybreak.app_actions import CRASH_GRACE_S, ActionSink
from traybreak.catalog import Catalog, load_builtin
from traybreak.config import default_config
from traybreak.core.actions import ShowPrompt
from traybreak.core.model import Kind, Reason, Rule
from traybreak.service import WindowLost
from traybreak.store import Store
from traybreak.windows import WindowProcess

CRASHING_WINDOW = "import sys, time; time.sleep(0.2); sys.exit('X connection broken')"


class Commands:
    """The engine's inbox: what the sink submits."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.lost = threading.Event()

    def __call__(self, command: Any) -> None:
        self.seen.append(command)
        if isinstance(command, WindowLost):
            self.lost.set()


@pytest.fixture
def sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ActionSink, Commands]:
    def launch(request: Any, **_: Any) -> WindowProcess:
        return WindowProcess([sys.executable, "-c", CRASHING_WINDOW], 10.0,
                             occurrence=request.occurrence)

    monkeypatch.setattr(app_actions, "launch_prompt", launch)
    commands = Commands()
    store = Store.open(tmp_path / "log.sqlite3")
    catalog = Catalog({e.id: e for e in load_builtin()})
    return ActionSink(store, catalog, default_config(), commands, lambda _: None,
                      lambda: None), commands


def _show(sink: ActionSink) -> None:
    rule = Rule("stretch", Kind.STRETCH, timedelta(seconds=30), every=timedelta(minutes=20))
    sink([ShowPrompt(1, rule, Kind.STRETCH, None, datetime.now(UTC), 0, True)])


def test_a_crashed_window_is_reported_to_the_engine(sink: tuple[ActionSink, Commands]) -> None:
    actions, commands = sink
    _show(actions)
    assert commands.lost.wait(5), commands.seen
    lost = [c for c in commands.seen if isinstance(c, WindowLost)]
    assert [(c.occurrence, c.reason) for c in lost] == [(1, Reason.CRASHED)]
    assert "X connection broken" in lost[0].detail


def test_a_window_crashing_as_the_app_stops_is_left_to_the_stop(
        sink: tuple[ActionSink, Commands]) -> None:
    actions, commands = sink
    _show(actions)
    time.sleep(0.3)  # the window has crashed; its report waits for the grace period
    actions.stopping.set()
    time.sleep(CRASH_GRACE_S + 0.5)
    assert not [c for c in commands.seen if isinstance(c, WindowLost)]
