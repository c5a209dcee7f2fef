"""The app's own start and end, in-process with a stand-in tray: a quit that arrives while the
icon is still starting is not lost, and the log's stop event says why the app ended."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from app.test_tray_app_reload import CONFIG, Running, start  # noqa: F401 - a fixture
from fakes import FakeView

from traybreak import paths
from traybreak.store.prompt_log import Store


class LoopView(FakeView):
    """Blocks in ``run`` like a real icon loop, until ``stop`` (or 5 s: a lost quit)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.stopped = threading.Event()

    def run(self, setup: Callable[[Any], None]) -> None:
        setup(SimpleNamespace(visible=True))
        self.stopped.wait(5.0)

    def stop(self) -> None:
        self.stopped.set()


@pytest.fixture
def loop_start(start: Callable[..., Running],  # noqa: F811 - the imported fixture
               ) -> Callable[..., Running]:
    return lambda text, **kw: start(text, view=LoopView, **kw)


def stop_events() -> list[str]:
    """The stop events' details, read after the app has closed its log."""
    store = Store.open(paths.log_db())
    try:
        return [e.detail for e in store.events() if e.event == "stop"]
    finally:
        store.close()


def test_a_quit_during_start_up_is_not_lost(loop_start: Callable[..., Running]) -> None:
    running = loop_start(CONFIG.format(every="20m"))
    view = running.app.view
    assert isinstance(view, LoopView)
    running.app.quit("SIGTERM")   # before the icon's loop has started
    running.play(lambda: None)
    assert view.stopped.is_set()
    assert running.app._threads == []        # the engine never started
    assert stop_events() == ["SIGTERM"]


def test_the_stop_event_says_quit(loop_start: Callable[..., Running]) -> None:
    running = loop_start(CONFIG.format(every="20m"))
    threading.Timer(0.3, running.app.quit).start()
    running.play(lambda: None)
    assert stop_events() == ["quit"]


def test_the_end_closes_the_idle_source(loop_start: Callable[..., Running]) -> None:
    # Its bus connections and the lock watch's thread go with the app, not with the process.
    running = loop_start(CONFIG.format(every="20m"))
    idle = running.app.service.idle
    threading.Timer(0.3, running.app.quit).start()
    running.play(lambda: None)
    assert getattr(idle, "closed", None) is True
