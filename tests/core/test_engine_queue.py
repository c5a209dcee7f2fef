"""A longer break falling due while a prompt is on screen never cuts it: it waits its turn
(``Engine.queued``) and is shown once the prompt on screen ends, however that ends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fakes import TickClock

from traybreak.core.actions import ClosePrompt, Record, ShowPrompt
from traybreak.core.engine import Engine
from traybreak.core.model import ActivityPolicy, Kind, Outcome, PromptPolicy, Reason, Rule

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
STRETCH = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(seconds=60))
STRENGTHEN = Rule("strengthen", Kind.STRENGTHEN, timedelta(seconds=20),
                  every=timedelta(seconds=90))
POLICY = PromptPolicy(timeout=timedelta(seconds=60))


class Desk(TickClock):
    """Stretch and strengthen rules, 5 s per tick, the user at the desk; every action kept."""

    def __init__(self) -> None:
        super().__init__(Engine([STRETCH, STRENGTHEN], ActivityPolicy(), POLICY), START, 5.0)
        self.engine.tick(self.now, self.mono, timedelta(seconds=1))

    def shows(self) -> list[str]:
        return [a.rule.name for a in self.actions if isinstance(a, ShowPrompt)]

    def finals(self) -> list[tuple[str, str, str | None]]:
        return [(a.record.rule, str(a.record.outcome), a.record.reason and str(a.record.reason))
                for a in self.actions if isinstance(a, Record) and a.record.outcome is not None]


def _stretch_on_screen_strengthen_queued() -> tuple[Desk, ShowPrompt]:
    desk = Desk()
    desk.run(60)
    stretch = [a for a in desk.actions if isinstance(a, ShowPrompt)][-1]
    assert stretch.rule is STRETCH
    desk.run(35)   # strengthen falls due at 90 s, with the stretch still on screen
    assert desk.engine.queued is not None and desk.engine.queued.rule is STRENGTHEN
    return desk, stretch


def test_a_longer_break_waits_for_the_prompt_on_screen() -> None:
    desk, stretch = _stretch_on_screen_strengthen_queued()
    assert not [a for a in desk.actions if isinstance(a, ClosePrompt)]   # not cut
    assert desk.shows() == ["stretch"]
    assert desk.finals() == []
    opened = [a.record.rule for a in desk.actions if isinstance(a, Record)]
    assert opened == ["stretch", "strengthen"]   # the queued one's open row, once
    out = desk.engine.answer(desk.now, desk.mono, stretch.occurrence, Outcome.DONE)
    desk.actions += out
    assert [a.rule.name for a in out if isinstance(a, ShowPrompt)] == ["strengthen"]
    assert desk.finals() == [("stretch", "done", None)]
    assert desk.engine.queued is None


def test_the_queued_break_follows_a_timeout_and_a_snooze() -> None:
    desk, stretch = _stretch_on_screen_strengthen_queued()
    desk.run(60)   # the stretch times out at 60 + 60 + 10 s
    assert desk.shows() == ["stretch", "strengthen"]
    assert desk.finals() == [("stretch", "ignored", "timeout")]

    desk, stretch = _stretch_on_screen_strengthen_queued()
    desk.actions += desk.engine.answer(desk.now, desk.mono, stretch.occurrence, Outcome.SNOOZED)
    # off screen now, the snoozed stretch loses to the longer break, as before
    assert desk.shows() == ["stretch", "strengthen"]
    assert desk.finals() == [("stretch", "snoozed", "superseded")]


def test_pause_and_quit_end_the_queued_break_too() -> None:
    desk, _ = _stretch_on_screen_strengthen_queued()
    desk.actions += desk.engine.pause(desk.now, desk.mono)
    assert sorted(desk.finals()) == [("strengthen", "suppressed", "paused"),
                                     ("stretch", "suppressed", "paused")]
    desk, _ = _stretch_on_screen_strengthen_queued()
    desk.actions += desk.engine.stop(desk.now, desk.mono)
    assert sorted(desk.finals()) == [("strengthen", "suppressed", "stopped"),
                                     ("stretch", "suppressed", "stopped")]


def test_a_shorter_break_due_meanwhile_is_superseded_as_before() -> None:
    water = Rule("water", None, timedelta(seconds=5), every=timedelta(seconds=80),
                 message="Drink some water")
    engine = Engine([STRETCH, water], ActivityPolicy(), POLICY)
    mono, out = 0.0, []
    while mono < 90:
        mono += 5
        out += engine.tick(START + timedelta(seconds=mono), mono, timedelta(seconds=1))
    assert engine.queued is None
    assert [a.rule.name for a in out if isinstance(a, ShowPrompt)] == ["stretch"]
    finals = [(a.record.rule, a.record.outcome, a.record.reason) for a in out
              if isinstance(a, Record) and a.record.outcome]
    assert finals == [("water", Outcome.SUPPRESSED, Reason.SUPERSEDED)]
