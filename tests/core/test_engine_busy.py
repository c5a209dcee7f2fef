"""A busy session (do-not-disturb on, a full-screen window focused) holds due prompts back:
each is logged suppressed once, one prompt shows when the session is free, and ``max_wait``
lets it through anyway. Explicit time throughout (core/hold.py, docs/engine.md)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from traybreak.core.actions import (
    ClosePrompt,
    Notice,
    Record,
    ShowPrompt,
    busy_words,
    prompt_words,
)
from traybreak.core.engine import Engine
from traybreak.core.model import ActivityPolicy, Kind, Outcome, PromptPolicy, Reason, Rule

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
STRETCH = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(seconds=60))
STRENGTHEN = Rule("strengthen", Kind.STRENGTHEN, timedelta(seconds=20),
                  every=timedelta(seconds=90))
RELAX_AT = Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(9, 2))
DND = frozenset({Reason.DND})
FULL = frozenset({Reason.FULLSCREEN})


class Desk:
    """An engine ticked every 5 s with an idle sample and the session's busy states."""

    def __init__(self, rules=(STRETCH,), policy: PromptPolicy | None = None) -> None:
        self.engine = Engine(rules, ActivityPolicy(), policy or PromptPolicy())
        self.mono, self.idle, self.busy = 0.0, 1.0, frozenset[Reason]()
        self.actions: list[object] = []
        self.clock_due: list[tuple[str, datetime]] = []
        self.tick()

    @property
    def now(self) -> datetime:
        return START + timedelta(seconds=self.mono)

    def tick(self) -> list[object]:
        due, self.clock_due = self.clock_due, []
        out = self.engine.tick(self.now, self.mono, timedelta(seconds=self.idle), due,
                               busy=self.busy)
        self.actions += out
        return out

    def run(self, seconds: float, idle_grows: bool = False) -> list[object]:
        out: list[object] = []
        end = self.mono + seconds
        while self.mono < end:
            self.mono += 5
            self.idle = self.idle + 5 if idle_grows else 1.0
            out += self.tick()
        return out

    def shows(self) -> list[ShowPrompt]:
        return [a for a in self.actions if isinstance(a, ShowPrompt)]

    def finals(self) -> list[tuple[str, str, str | None, str | None]]:
        return [(a.record.rule, str(a.record.outcome), a.record.reason and str(a.record.reason),
                 a.record.detail)
                for a in self.actions if isinstance(a, Record) and a.record.outcome is not None]

    def answer(self, show: ShowPrompt, outcome: Outcome) -> None:
        self.actions += self.engine.answer(self.now, self.mono, show.occurrence, outcome)


def test_a_due_prompt_waits_through_dnd_logged_once_and_shows_once_after() -> None:
    desk = Desk()
    desk.busy = DND
    desk.run(300)           # due at 60 s, then four more minutes of samples, all busy
    assert desk.shows() == []
    assert desk.finals() == [("stretch", "suppressed", "dnd", "held back: do not disturb")]
    assert desk.engine.status().busy is Reason.DND
    assert [r.prompt for r in desk.engine.status().rules] == ["held"]
    desk.busy = frozenset()
    out = desk.run(5)
    shown = [a for a in out if isinstance(a, ShowPrompt)]
    assert [s.rule.name for s in shown] == ["stretch"]
    opened = [a.record for a in out if isinstance(a, Record)]
    assert opened[0].outcome is None and opened[0].detail == "held 4 min for do not disturb"
    assert opened[0].due_at == START + timedelta(seconds=60)   # when it first fell due
    desk.answer(shown[0], Outcome.DONE)
    assert desk.finals()[-1] == ("stretch", "done", None, "held 4 min for do not disturb")
    assert desk.engine.status().busy is None
    desk.run(55)
    assert len(desk.shows()) == 1   # a fresh interval: not due again yet


def test_every_rule_falling_due_while_busy_gives_one_prompt_the_strongest() -> None:
    desk = Desk(rules=(STRETCH, STRENGTHEN))
    desk.busy = FULL
    desk.run(200)
    assert desk.shows() == []
    assert [row[:3] for row in desk.finals()] == [("stretch", "suppressed", "fullscreen"),
                                                  ("strengthen", "suppressed", "fullscreen")]
    desk.busy = frozenset()
    desk.run(5)
    assert [s.rule.name for s in desk.shows()] == ["strengthen"]   # not a burst
    stretch = next(r for r in desk.engine.status().rules if r.name == "stretch")
    assert stretch.prompt is None and stretch.remaining == timedelta(seconds=60)   # restarted
    assert len(desk.finals()) == 2   # the stretch's own row said it all already


def test_the_switches_let_prompts_through() -> None:
    for policy, busy in ((PromptPolicy(respect_dnd=False), DND),
                         (PromptPolicy(respect_fullscreen=False), FULL)):
        desk = Desk(policy=policy)
        desk.busy = busy
        desk.run(60)
        assert [s.rule.name for s in desk.shows()] == ["stretch"], policy
        assert desk.finals() == [] and desk.engine.status().busy is None
    desk = Desk(policy=PromptPolicy(respect_dnd=False))
    desk.busy = DND | FULL   # one switch off: the other still holds, and names its reason
    desk.run(60)
    assert desk.shows() == [] and desk.finals()[0][2] == "fullscreen"


def test_max_wait_shows_the_prompt_anyway_and_says_so() -> None:
    desk = Desk(policy=PromptPolicy(max_wait=timedelta(minutes=5)))
    desk.busy = DND
    desk.run(60)
    held_at = desk.mono
    assert desk.engine.next_deadline() == held_at + 15   # every third sample (5 s) while held
    desk.run(295)
    assert desk.shows() == []
    out = desk.run(5)       # five minutes after it was held
    shown = [a for a in out if isinstance(a, ShowPrompt)]
    assert [s.rule.name for s in shown] == ["stretch"] and desk.mono == held_at + 300
    opened = [a.record for a in out if isinstance(a, Record)]
    assert opened[0].detail == "shown after 5 min of do not disturb (max_wait)"
    desk.answer(shown[0], Outcome.DONE)
    desk.run(60)            # still DND: the next one is held again, with a fresh wait
    assert len(desk.shows()) == 1
    assert desk.finals()[-1][:3] == ("stretch", "suppressed", "dnd")
    assert desk.engine.hold.since == desk.mono


def test_a_prompt_on_screen_is_not_cut_and_a_snoozed_one_waits_to_come_back() -> None:
    desk = Desk(policy=PromptPolicy(snooze=timedelta(seconds=30)))
    desk.run(60)
    first = desk.shows()[0]
    desk.busy = DND
    desk.run(20)
    assert not [a for a in desk.actions if isinstance(a, ClosePrompt)]
    desk.answer(first, Outcome.SNOOZED)
    desk.run(120)           # the re-show is due at +30 s, but DND is on
    assert len(desk.shows()) == 1 and desk.finals() == []   # its row stays open, not suppressed
    desk.busy = frozenset()
    out = desk.run(5)
    again = [a for a in out if isinstance(a, ShowPrompt)]
    assert [(a.occurrence, a.snoozes) for a in again] == [(first.occurrence, 1)]


def test_a_natural_break_during_dnd_counts_as_the_held_break() -> None:
    desk = Desk()
    desk.busy = DND
    desk.run(60)
    assert [row[:3] for row in desk.finals()] == [("stretch", "suppressed", "dnd")]
    desk.idle = 5.0
    desk.run(200, idle_grows=True)   # away past the 3-minute natural break
    desk.busy = frozenset()
    desk.run(10)                     # back, DND off
    assert desk.shows() == []
    assert [row[:3] for row in desk.finals()] == [("stretch", "suppressed", "dnd"),
                                                  ("stretch", "natural", "idle")]


def test_pause_forgets_held_prompts() -> None:
    desk = Desk()
    desk.busy = DND
    desk.run(60)
    desk.actions += desk.engine.pause(desk.now, desk.mono)
    desk.busy = frozenset()
    desk.run(30)
    desk.actions += desk.engine.resume(desk.now, desk.mono)
    desk.run(30)
    assert desk.shows() == [] and len(desk.finals()) == 1


def test_a_clock_rule_due_in_dnd_is_held_too() -> None:
    desk = Desk(rules=(RELAX_AT,))
    desk.busy = DND
    desk.run(115)
    desk.clock_due = [("relax", START.replace(minute=2))]
    desk.run(5)
    assert desk.finals() == [("relax", "suppressed", "dnd", "held back: do not disturb")]
    desk.busy = frozenset()
    desk.run(5)
    assert [s.rule.name for s in desk.shows()] == ["relax"]


def test_the_words_for_the_tray_and_status() -> None:
    assert busy_words(Reason.DND) == "Waiting: do not disturb"
    assert busy_words(Reason.FULLSCREEN) == "Waiting: full screen"
    assert busy_words(None) is None
    assert prompt_words("held", None, START.date()) == "held back until the screen is free"


def test_a_snoozed_prompt_waits_no_longer_than_max_wait() -> None:
    desk = Desk(policy=PromptPolicy(snooze=timedelta(seconds=30), max_wait=timedelta(minutes=2)))
    desk.run(60)
    first = desk.shows()[0]
    desk.answer(first, Outcome.SNOOZED)
    desk.busy = FULL
    desk.run(145)           # due again at +30 s, then two minutes of full screen
    assert len(desk.shows()) == 1
    desk.run(5)
    assert [(s.occurrence, s.snoozes) for s in desk.shows()] == [(first.occurrence, 0),
                                                                  (first.occurrence, 1)]
    assert desk.engine.hold.since is None   # the wait is over with the show


def test_a_reload_that_turns_the_switch_off_releases_and_one_that_drops_the_rule_forgets() -> None:
    desk = Desk()
    desk.busy = DND
    desk.run(60)
    engine = desk.engine
    desk.actions += engine.reconfigure(desk.now, desk.mono, (STRETCH,), engine.activity,
                                       PromptPolicy(respect_dnd=False), None)
    desk.run(5)
    assert [s.rule.name for s in desk.shows()] == ["stretch"]

    desk = Desk(rules=(STRETCH, STRENGTHEN))
    desk.busy = DND
    desk.run(60)
    engine = desk.engine
    desk.actions += engine.reconfigure(desk.now, desk.mono, (STRENGTHEN,), engine.activity,
                                       engine.policy, None)
    assert engine.hold.held == []
    desk.busy = frozenset()
    desk.run(5)
    assert desk.shows() == []


def test_break_now_shows_even_in_dnd() -> None:
    desk = Desk()
    desk.busy = DND
    desk.run(60)
    out = desk.engine.break_now(desk.now, desk.mono, Kind.RELAX)
    assert [a.manual for a in out if isinstance(a, ShowPrompt)] == [True]   # the user asked
    assert desk.engine.hold.held == []


def _notices(actions: list[object]) -> list[Notice]:
    return [a for a in actions if isinstance(a, Notice)]


def test_the_notice_comes_once_notice_before_a_prompt_falls_due() -> None:
    """#17 point 4: `[prompt] notice` is a heads-up that long before the prompt, once per
    interval (the tray shows it on every backend: app/notices.py)."""
    desk = Desk(policy=PromptPolicy(notice=timedelta(seconds=20)))
    before = desk.run(35)
    assert _notices(before) == []                            # 25 s still to go at 35 s
    around = desk.run(25)                                    # to 60 s: due
    assert _notices(around) == [Notice("stretch", Kind.STRETCH, timedelta(seconds=20))]
    assert [s.rule.name for s in desk.shows()] == ["stretch"]
    assert _notices(Desk(policy=PromptPolicy(notice=timedelta(0))).run(60)) == []  # "0s": off


def test_no_notice_while_the_session_is_busy() -> None:
    """A prompt held back by do-not-disturb or a full-screen window gets no heads-up either: the
    notice would pop up over the presentation the hold keeps the prompt away from."""
    for busy in (DND, FULL):
        desk = Desk(policy=PromptPolicy(notice=timedelta(seconds=20)))
        desk.busy = busy
        assert _notices(desk.run(120)) == []
