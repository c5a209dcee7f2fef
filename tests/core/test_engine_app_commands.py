"""Engine commands the tray app relies on: a window lost without an answer, an exercise longer
than its rule, reloading settings without losing progress, and quitting with a prompt open."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from traybreak.core.actions import ClosePrompt, Record, ShowPrompt
from traybreak.core.engine import Engine
from traybreak.core.model import ActivityPolicy, Kind, PromptPolicy, Reason, Rule

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
RULE = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(seconds=60))
POLICY = PromptPolicy(timeout=timedelta(seconds=30))


class Clock:
    """Explicit time: wall and monotonic move together, 10 s per tick, the user at the desk."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.mono, self.actions = engine, 0.0, []  # type: ignore[var-annotated]

    @property
    def now(self) -> datetime:
        return START + timedelta(seconds=self.mono)

    def run(self, seconds: float) -> list[object]:
        out: list[object] = []
        end = self.mono + seconds
        while self.mono < end:
            self.mono += 10
            out += self.engine.tick(self.now, self.mono, timedelta(seconds=1))
        self.actions += out
        return out


def _shown(actions: list[object]) -> ShowPrompt:
    shows = [a for a in actions if isinstance(a, ShowPrompt)]
    assert len(shows) == 1
    return shows[0]


def _finals(actions: list[object]) -> list[tuple[str, str | None]]:
    return [(str(a.record.outcome), a.record.reason and str(a.record.reason))
            for a in actions if isinstance(a, Record) and a.record.outcome is not None]


def _engine() -> tuple[Engine, Clock]:
    engine = Engine([RULE], ActivityPolicy(), POLICY)
    clock = Clock(engine)
    engine.tick(clock.now, clock.mono, timedelta(seconds=1))
    return engine, clock


def test_a_lost_window_is_logged_ignored_with_its_reason() -> None:
    engine, clock = _engine()
    show = _shown(clock.run(60))
    out = engine.window_lost(clock.now, clock.mono, show.occurrence, Reason.CRASHED,
                             "window exited with status 1")
    assert _finals(out) == [("ignored", "crashed")]
    assert engine.live is None
    assert engine.window_lost(clock.now, clock.mono, show.occurrence, Reason.CRASHED, "x") == []


def test_the_timeout_waits_for_the_chosen_exercise() -> None:
    engine, clock = _engine()
    show = _shown(clock.run(60))
    engine.note_exercise(show.occurrence, "seated_figure_four", timedelta(seconds=75))
    # The rule alone would time out after 10 s + 30 s; the exercise needs 75 s + 30 s.
    assert not any(isinstance(a, ClosePrompt) for a in clock.run(60))
    closing = clock.run(60)
    assert any(isinstance(a, ClosePrompt) for a in closing)
    assert _finals(closing) == [("ignored", "timeout")]
    rows = [a for a in closing if isinstance(a, Record) and a.record.outcome]
    assert rows[0].record.exercise_id == "seated_figure_four"


def test_reconfigure_keeps_active_time_of_rules_that_stay() -> None:
    engine, clock = _engine()
    clock.run(40)
    assert engine.status().rules[0].remaining == timedelta(seconds=20)
    longer = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(seconds=100))
    water = Rule("water", None, timedelta(seconds=5), every=timedelta(seconds=30),
                 message="Drink some water")
    engine.reconfigure(clock.now, clock.mono, [longer, water], ActivityPolicy(), POLICY, None)
    remaining = {r.name: r.remaining for r in engine.status().rules}
    assert remaining == {"stretch": timedelta(seconds=60), "water": timedelta(seconds=30)}


def test_quitting_with_a_prompt_on_screen_logs_it_ignored_stopped() -> None:
    engine, clock = _engine()
    clock.run(60)
    out = engine.stop(clock.now, clock.mono)
    assert any(isinstance(a, ClosePrompt) for a in out)
    assert _finals(out) == [("ignored", "stopped")]
