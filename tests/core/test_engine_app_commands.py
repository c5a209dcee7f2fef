"""Engine commands the tray app relies on: a window lost without an answer, an exercise longer
than its rule, the exercise noted at the first show kept by the occurrence, reloading settings
without losing progress, and quitting with a prompt open."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fakes import TickClock

from traybreak.core.actions import ClosePrompt, Record, ShowPrompt
from traybreak.core.engine import Engine
from traybreak.core.model import ActivityPolicy, Feedback, Kind, Outcome, PromptPolicy, Reason, Rule

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
RULE = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(seconds=60))
POLICY = PromptPolicy(timeout=timedelta(seconds=30))


def _shown(actions: list[object]) -> ShowPrompt:
    shows = [a for a in actions if isinstance(a, ShowPrompt)]
    assert len(shows) == 1
    return shows[0]


def _finals(actions: list[object]) -> list[tuple[str, str | None]]:
    return [(str(a.record.outcome), a.record.reason and str(a.record.reason))
            for a in actions if isinstance(a, Record) and a.record.outcome is not None]


def _engine() -> tuple[Engine, TickClock]:
    engine = Engine([RULE], ActivityPolicy(), POLICY)
    clock = TickClock(engine, START)
    engine.tick(clock.now, clock.mono, timedelta(seconds=1))
    return engine, clock


@pytest.mark.parametrize(("reason", "final"), [
    (Reason.CRASHED, ("ignored", "crashed")),
    # At logout the session signals the window first: the row reads as at the app's own stop.
    (Reason.STOPPED, ("suppressed", "stopped")),
])
def test_a_lost_window_is_logged_ignored_with_its_reason(reason: Reason,
                                                         final: tuple[str, str]) -> None:
    engine, clock = _engine()
    show = _shown(clock.run(60))
    out = engine.window_lost(clock.now, clock.mono, show.occurrence, reason,
                             "window exited with status 1")
    assert _finals(out) == [final]
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


def test_the_noted_exercise_is_the_occurrences_own_from_then_on() -> None:
    engine, clock = _engine()
    show = _shown(clock.run(60))
    assert show.exercise_id is None                       # the app chooses at the first show
    noted = engine.note_exercise(show.occurrence, "chin_tuck", timedelta(seconds=20))
    assert [(a.occurrence, a.record.exercise_id, a.record.outcome) for a in noted
            if isinstance(a, Record)] == [(show.occurrence, "chin_tuck", None)]  # the open row
    engine.answer(clock.now, clock.mono, show.occurrence, Outcome.SNOOZED)
    again = _shown(clock.run(POLICY.snooze.total_seconds() + 10))
    assert (again.occurrence, again.exercise_id) == (show.occurrence, "chin_tuck")
    done = engine.answer(clock.now, clock.mono, show.occurrence, Outcome.DONE)
    assert [a.record.exercise_id for a in done if isinstance(a, Record)] == ["chin_tuck"]
    assert engine.note_exercise(show.occurrence, "too_late") == []  # no longer live


def test_the_level_and_the_feedback_after_done_go_into_the_row() -> None:
    """#16 point 4: the level noted with the exercise stays on every row and re-show; what the
    user added after Done is logged with the final row, and only with a done."""
    engine, clock = _engine()
    show = _shown(clock.run(60))
    noted = engine.note_exercise(show.occurrence, "wall_angel", timedelta(seconds=20), level=2)
    assert [a.record.level for a in noted if isinstance(a, Record)] == [2]
    engine.answer(clock.now, clock.mono, show.occurrence, Outcome.SNOOZED, Feedback.TOO_EASY)
    again = _shown(clock.run(POLICY.snooze.total_seconds() + 10))
    assert (again.exercise_id, again.level) == ("wall_angel", 2)
    done = engine.answer(clock.now, clock.mono, show.occurrence, Outcome.DONE, Feedback.TOO_HARD)
    rows = [a.record for a in done if isinstance(a, Record)]
    assert [(r.outcome, r.feedback, r.level, r.snoozes) for r in rows] == \
        [(Outcome.DONE, Feedback.TOO_HARD, 2, 1)]


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


def test_quitting_with_a_prompt_on_screen_logs_it_suppressed_stopped() -> None:
    """Quitting is not the user ignoring the prompt (docs/engine.md, \"stop\")."""
    engine, clock = _engine()
    clock.run(60)
    out = engine.stop(clock.now, clock.mono)
    assert any(isinstance(a, ClosePrompt) for a in out)
    assert _finals(out) == [("suppressed", "stopped")]


def test_a_break_now_with_no_rule_of_its_kind_can_be_outranked() -> None:
    """"Break now" for a kind no rule has makes up a rule outside the config; a rule falling due
    while it is on screen must still be weighed against it (it raised KeyError every tick)."""
    engine, clock = _engine()
    clock.run(20)
    shown = _shown(engine.break_now(clock.now, clock.mono, Kind.RELAX))   # no relax rule
    assert shown.rule.name == "relax"
    out = clock.run(60)   # the stretch rule falls due while the relax break is live
    # The made-up relax break (1 min) outranks the 10 s stretch, which is superseded.
    assert ("suppressed", "superseded") in _finals(out)
    assert not [a for a in out if isinstance(a, ShowPrompt)]
