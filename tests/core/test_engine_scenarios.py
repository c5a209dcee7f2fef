"""Scenarios with explicit time: a simulated 8-hour shift with every kind of interruption, then
one short table-driven case per rule of the engine. Exact prompts and log rows are asserted."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes import DeskSim

from traybreak.app.clock_jobs import ClockScheduler
from traybreak.core.engine import Engine
from traybreak.core.model import (
    ActivityPolicy,
    Kind,
    Outcome,
    PromptPolicy,
    Rule,
    WorkingHours,
)

BERLIN = ZoneInfo("Europe/Berlin")
M = 60
D, S, K = Outcome.DONE, Outcome.SNOOZED, Outcome.SKIPPED
STRETCH = Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=25))
STRENGTHEN = Rule("strengthen", Kind.STRENGTHEN, timedelta(minutes=2), every=timedelta(minutes=55))
RULES = (
    STRETCH,
    STRENGTHEN,
    Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(2, 30)),
    Rule("water", None, timedelta(seconds=30), at=time(1, 0), message="Drink some water"),
    Rule("walk", None, timedelta(minutes=3), at=time(2, 0), message="Walk around"),
)
# A night shift across the end of summer time: 2024-10-27 03:00 CEST becomes 02:00 CET.
NIGHT = WorkingHours(days=frozenset({5, 6}), start=time(22, 0), end=time(5, 0))


def make_sim(rules=RULES, hours=NIGHT, start=datetime(2024, 10, 26, 22, 0, tzinfo=BERLIN),
             replies=None, prompt=None, idle_known=True) -> DeskSim:
    engine = Engine(rules, ActivityPolicy(), prompt or PromptPolicy(), hours)
    sim = DeskSim(engine, start, scheduler=ClockScheduler(rules, start),
                  last_input=1000.0 if idle_known else None)
    queues = {name: list(answers) for name, answers in (replies or {}).items()}
    sim.respond = lambda show: (queues.get(show.rule.name) or [None]).pop(0)
    sim.tick()
    return sim


def hms(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%H:%M:%S%z")


def final_rows(sim: DeskSim) -> list[tuple]:
    rows = []
    for _, action in sim.of_type("Record"):
        r = action.record
        if r.outcome is not None:
            rows.append((action.occurrence, r.rule, hms(r.due_at), hms(r.shown_at),
                         hms(r.ended_at), str(r.outcome), r.reason and str(r.reason), r.snoozes,
                         r.detail))
    return rows


def shows(sim: DeskSim) -> list[tuple]:
    return [(hms(at), a.occurrence, a.rule.name, a.snoozes) for at, a in sim.of_type("ShowPrompt")]


def test_night_shift_with_lunch_meeting_suspend_clock_changes_and_dst():
    sim = make_sim(replies={
        "stretch": [(D, 45), (S, 15), None, (D, 45), (S, 10), (K, 5), (S, 20), (D, 30), (S, 10),
                    None, (S, 30)],
        "strengthen": [(D, 110), None, (D, 60)],
        "relax": [(D, 300)],
        "water": [(D, 20)],
        "walk": [(K, 10)],
    })
    sim.work(70 * M)        # 22:00-23:10 steady work
    sim.away(40 * M)        # 23:10-23:50 lunch away from the desk
    sim.work(40 * M)        # 23:50-00:30
    sim.away(60 * M)        # 00:30-01:30 meeting: no input at all
    sim.work(15 * M)        # 01:30-01:45
    sim.suspend(30 * M)     # 01:45-02:15 laptop closed
    sim.work(80 * M)        # 02:15 CEST-02:35 CET: summer time ends at 03:00 CEST
    sim.set_clock(-10 * M)  # clock set back 10 min (02:35 -> 02:25)
    sim.work(20 * M)
    sim.set_clock(+20 * M)  # and forward 20 min (02:45 -> 03:05)
    sim.work(55 * M)
    sim.away(30 * M)        # 04:00-04:30
    sim.work(40 * M)        # 04:30-05:10, the shift ends at 05:00
    stopped = sim.engine.stop(sim.now, sim.mono)

    assert shows(sim) == [
        ("22:25:00+0200", 1, "stretch", 0),      # 25 min of work
        ("22:50:45+0200", 2, "stretch", 0),      # 25 min after the first was done
        ("22:55:00+0200", 3, "strengthen", 0),   # 55 min of work; supersedes the snoozed stretch
        ("00:15:00+0200", 5, "stretch", 0),      # the user ignores this one
        ("01:30:05+0200", 7, "water", 0),        # due 01:00 in the meeting: waits for the return
        ("02:15:05+0200", 9, "walk", 0),         # due 02:00 in suspend: the one prompt on wake
        ("02:30:00+0200", 10, "relax", 0),
        ("02:40:05+0200", 11, "stretch", 0),     # 25 min after the suspend reset it
        ("02:05:50+0100", 12, "stretch", 0),     # summer time is over; timers did not notice
        ("02:10:05+0100", 13, "strengthen", 0),
        ("02:25:05+0100", 14, "stretch", 0),     # right after the clock went back 10 min
        ("03:10:10+0100", 15, "stretch", 0),     # 25 min on, +20 min clock jump in between
        ("03:15:30+0100", 15, "stretch", 1),     # snoozed 5 min, back
        ("03:19:05+0100", 16, "strengthen", 0),
        ("03:41:00+0100", 17, "stretch", 0),
        ("03:46:10+0100", 17, "stretch", 1),
        ("04:55:00+0100", 19, "stretch", 0),
    ]
    assert final_rows(sim) == [
        (1, "stretch", "22:25:00+0200", "22:25:00+0200", "22:25:45+0200", "done", None, 0, None),
        (2, "stretch", "22:50:45+0200", "22:50:45+0200", "22:55:00+0200", "snoozed",
         "superseded", 1, None),
        (3, "strengthen", "22:55:00+0200", "22:55:00+0200", "22:56:50+0200", "done", None, 0,
         None),
        # lunch: idle reached 3 min at 23:13, logged once when the user is back
        (4, "stretch+strengthen", "23:13:00+0200", None, "23:50:05+0200", "natural", "idle", 0,
         "idle 40 min"),
        # unanswered: closes after timeout (2 min) + the break's own 45 s
        (5, "stretch", "00:15:00+0200", "00:15:00+0200", "00:17:45+0200", "ignored", "timeout", 0,
         None),
        (6, "stretch+strengthen", "00:33:00+0200", None, "01:30:05+0200", "natural", "idle", 0,
         "idle 1 h"),
        (7, "water", "01:00:00+0200", "01:30:05+0200", "01:30:25+0200", "done", None, 0, None),
        # the suspend is away time: a natural break, no burst of overdue prompts
        (8, "stretch+strengthen", "01:48:00+0200", None, "02:15:05+0200", "natural", "idle", 0,
         "idle 30 min"),
        (9, "walk", "02:00:00+0200", "02:15:05+0200", "02:15:15+0200", "skipped", "user", 0, None),
        (10, "relax", "02:30:00+0200", "02:30:00+0200", "02:35:00+0200", "done", None, 0, None),
        (11, "stretch", "02:40:05+0200", "02:40:05+0200", "02:40:50+0200", "done", None, 0, None),
        (12, "stretch", "02:05:50+0100", "02:05:50+0100", "02:10:05+0100", "snoozed",
         "superseded", 1, None),
        (13, "strengthen", "02:10:05+0100", "02:10:05+0100", "02:14:05+0100", "ignored",
         "timeout", 0, None),
        (14, "stretch", "02:25:05+0100", "02:25:05+0100", "02:25:10+0100", "skipped", "user", 0,
         None),
        (15, "stretch", "03:10:10+0100", "03:10:10+0100", "03:16:00+0100", "done", None, 1, None),
        (16, "strengthen", "03:19:05+0100", "03:19:05+0100", "03:20:05+0100", "done", None, 0,
         None),
        (17, "stretch", "03:41:00+0100", "03:41:00+0100", "03:48:55+0100", "ignored", "timeout",
         1, None),
        (18, "stretch+strengthen", "04:03:00+0100", None, "04:30:05+0100", "natural", "idle", 0,
         "idle 30 min"),
        # snoozed at 04:55:30; the shift ends before it comes back
        (19, "stretch", "04:55:00+0100", "04:55:00+0100", "05:00:00+0100", "snoozed",
         "off_hours", 1, None),
    ]
    assert stopped == []   # nothing live, no idle period open at the end
    # 02:30 happened twice on the wall clock (and again after the clock went back): one relax.
    assert [a.rule.name for _, a in sim.of_type("ShowPrompt")].count("relax") == 1


# --- one rule of the engine per case: (name, rules, hours, script, expected final rows) --------
# Script steps: ("work"|"away"|"suspend"|"clock", seconds) or (command, argument) with the
# commands pause (seconds or None), resume, skip, break (a Kind). Rows: (rule, due, shown, ended,
# outcome, reason, snoozes), wall times HH:MM:SS on 2024-04-02 (a Tuesday, CEST).
DAY = WorkingHours(start=time(9, 0), end=time(17, 0))
AT_10 = Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(10, 0))
LATE = Rule("late", Kind.RELAX, timedelta(minutes=5), at=time(18, 0))
TWIN = Rule("twin", Kind.STRETCH, timedelta(seconds=30), every=timedelta(minutes=25))
LONG = Rule("long", Kind.STRENGTHEN, timedelta(minutes=2), every=timedelta(minutes=25))
T = "%H:%M:%S"

NAT6 = Rule("strengthen", Kind.STRENGTHEN, timedelta(minutes=2), every=timedelta(minutes=55),
            natural_break=timedelta(minutes=6))

CASES = [
    ("idle unknown counts as work", (STRETCH,), None, [("unknown", 0), ("work", 30 * M)],
     {"stretch": [(D, 30)]},
     [("stretch", "09:25:00", "09:25:00", "09:25:30", "done", None, 0)]),
    ("short pauses count as work; 3 min idle is a natural break", (STRETCH,), None,
     [("work", 10 * M), ("away", 2 * M), ("work", 13 * M), ("away", 4 * M), ("work", 1 * M)],
     {"stretch": [(D, 30)]},
     [("stretch", "09:25:00", "09:25:00", "09:25:30", "done", None, 0),
      ("stretch", "09:28:00", None, "09:29:05", "natural", "idle", 0)]),
    ("each rule's own natural-break length; one row per idle period", (STRETCH, NAT6), None,
     [("work", 10 * M), ("away", 4 * M), ("work", 1 * M), ("away", 7 * M), ("work", 1 * M)], {},
     [("stretch", "09:13:00", None, "09:14:05", "natural", "idle", 0),
      ("stretch+strengthen", "09:18:00", None, "09:22:05", "natural", "idle", 0)]),
    ("two rules due together: the longer wins, the other restarts", (TWIN, LONG), None,
     [("work", 26 * M)], {"long": [(D, 60)]},
     [("twin", "09:25:00", None, "09:25:00", "suppressed", "superseded", 0),
      ("long", "09:25:00", "09:25:00", "09:26:00", "done", None, 0)]),
    ("snooze cap: a snooze beyond max_snoozes is a skip", (STRETCH,), None,
     [("work", 40 * M)], {"stretch": [(S, 5), (S, 5), (S, 5)]},
     [("stretch", "09:25:00", "09:25:00", "09:35:15", "skipped", "user", 2)]),
    ("a snoozed prompt ends in the natural break the user takes", (STRETCH,), None,
     [("work", 25 * M), ("away", 10 * M), ("work", 1 * M)], {"stretch": [(S, 5)]},
     [("stretch", "09:25:00", "09:25:00", "09:35:05", "natural", "idle", 1)]),
    ("pause for 30 min: timers hold still, nothing shown", (STRETCH,), None,
     [("work", 20 * M), ("pause", 30 * M), ("work", 40 * M)], {},
     [("stretch", "09:55:00", "09:55:00", "09:57:45", "ignored", "timeout", 0)]),
    ("pause with a prompt on screen ends it suppressed/paused", (STRETCH,), None,
     [("work", 25 * M), ("pause", None), ("work", 60 * M), ("resume", 0), ("work", 1 * M)], {},
     [("stretch", "09:25:00", "09:25:00", "09:25:00", "suppressed", "paused", 0)]),
    ("skip next: logged skipped, no prompt, next interval as usual", (STRETCH,), None,
     [("skip", 0), ("work", 51 * M)], {"stretch": [(D, 10)]},
     [("stretch", "09:25:00", None, "09:25:00", "skipped", "user", 0),
      ("stretch", "09:50:00", "09:50:00", "09:50:10", "done", None, 0)]),
    ("break now works while paused", (STRETCH,), None, [("pause", None), ("break", Kind.STRETCH)],
     {"stretch": [(D, 0)]}, [("stretch", "09:00:00", "09:00:00", "09:00:00", "done", None, 0)]),
    ("clock rule while away waits for the return", (STRETCH, AT_10), DAY,
     [("work", 50 * M), ("away", 30 * M), ("work", 2 * M)], {"relax": [(D, 60)]},
     [("stretch", "09:25:00", "09:25:00", "09:27:45", "ignored", "timeout", 0),
      # shown 2:45 into a pause (still "at the desk"); a prompt on screen is never ended by
      # idle (the user may be exercising), so it times out; its timer then has no work to reset
      ("stretch", "09:52:45", "09:52:45", "09:55:30", "ignored", "timeout", 0),
      ("relax", "10:00:00", "10:20:05", "10:21:05", "done", None, 0)]),
    ("clock rule away until the working day ends: suppressed/idle", (AT_10,), DAY,
     [("away", 9 * 3600)], {}, [("relax", "10:00:00", None, "17:00:00", "suppressed", "idle", 0)]),
    ("clock rule outside working hours: suppressed/off_hours", (LATE,), DAY,
     [("work", 9 * 3600 + 5)], {},
     [("late", "18:00:00", None, "18:00:00", "suppressed", "off_hours", 0)]),
    ("a 9 h suspend over two clock rules brings one prompt", (STRETCH, AT_10, LATE), None,
     [("work", 20 * M), ("suspend", 9 * 3600), ("work", 1 * M)], {},
     [("stretch", "09:23:00", None, "18:20:05", "natural", "idle", 0),
      ("late", "18:00:00", None, "18:20:05", "suppressed", "superseded", 0)]),
]


def run_script(sim: DeskSim, script) -> None:
    for step, arg in script:
        if step in ("work", "away", "suspend"):
            getattr(sim, step)(arg)
        elif step == "unknown":
            sim.last_input = None
        elif step == "pause":
            until = None if arg is None else sim.now + timedelta(seconds=arg)
            sim._record(sim.engine.pause(sim.now, sim.mono, until))
        elif step == "resume":
            sim._record(sim.engine.resume(sim.now, sim.mono))
        elif step == "skip":
            sim._record(sim.engine.skip_next(sim.now, sim.mono))
        elif step == "break":
            sim._record(sim.engine.break_now(sim.now, sim.mono, arg))
            sim.tick()


@pytest.mark.parametrize(("name", "rules", "hours", "script", "replies", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_engine_rule(name, rules, hours, script, replies, expected):
    sim = make_sim(rules, hours, datetime(2024, 4, 2, 9, 0, tzinfo=BERLIN), replies)
    run_script(sim, script)
    rows = [(r[1], *(v and v[:8] for v in r[2:5]), r[5], r[6], r[7]) for r in final_rows(sim)]
    assert rows == expected
    times = [at for at, _ in sim.of_type("ShowPrompt")]
    assert len(times) == len(set(times)), "two prompts at once"


def test_outside_working_hours_timers_hold_still():
    sim = make_sim((STRETCH,), DAY, datetime(2024, 4, 2, 16, 45, tzinfo=BERLIN))
    sim.work(16 * 3600 + 25 * M)        # 16:45 to 09:10 the next day, typing all night
    assert shows(sim) == [("09:10:00+0200", 1, "stretch", 0)]    # 15 min + 10 min of hours


def test_last_showing_offers_no_snooze_and_skips_count_per_day():
    sim = make_sim((STRETCH,), None, datetime(2024, 4, 2, 9, 0, tzinfo=BERLIN),
                   {"stretch": [(S, 5), (K, 5), (K, 5), None]},
                   prompt=PromptPolicy(max_snoozes=1, daily_skips=1))
    sim.work(85 * M)
    offered = [(a.snoozes, a.snooze_allowed, a.skip_allowed) for _, a in sim.of_type("ShowPrompt")]
    assert offered == [(0, True, True), (1, False, True), (0, True, False), (0, True, False)]
