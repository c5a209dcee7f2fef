"""IdleTracker (idle samples and tick gaps), RuleTimer (active time per interval rule) and
build_timers (the one place timers are made, at start and on reconfigure)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from traybreak.core.model import ActivityPolicy, Kind, Rule
from traybreak.core.timer import IdleTracker, Observation, RuleTimer, build_timers

RULE = Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=25))


def observe_all(samples, gap_limit=30.0):
    tracker = IdleTracker(gap_limit)
    return [tracker.observe(mono, idle) for mono, idle in samples]


def test_first_tick_has_no_elapsed_time():
    assert observe_all([(100.0, 7.0)]) == [Observation(0.0, False, 7.0, 7.0, False)]


def test_idle_grows_then_input_is_a_return():
    obs = observe_all([(0.0, 0.0), (5.0, 5.0), (10.0, 10.0), (15.0, 1.0)])
    assert [(o.elapsed, o.away_for, o.returned) for o in obs] == [
        (0.0, 0.0, False), (5.0, 5.0, False), (10.0 - 5.0, 10.0, False), (5.0, 1.0, True)]


def test_unknown_idle_is_activity():
    obs = observe_all([(0.0, None), (5.0, None)])
    assert [(o.away_for, o.idle) for o in obs] == [(0.0, None), (0.0, None)]


def test_a_gap_is_away_time_from_the_last_input_to_the_wake():
    # idle clocks stop in suspend: after 1 h asleep the sample says 4 s (input at the wake)
    obs = observe_all([(0.0, 0.0), (5.0, 2.0), (3605.0, 4.0)])
    last = obs[-1]
    assert last.gap and last.returned
    assert last.away_for == pytest.approx(3605.0 - 3.0)


def test_a_gap_without_new_input_keeps_the_idle_run_going():
    # a clock that counts suspend (idle 1 h) and nobody touched anything: not a return
    obs = observe_all([(0.0, 0.0), (3600.0, 3600.0), (3605.0, 3605.0)])
    assert obs[1].gap and not obs[1].returned
    assert obs[2].away_for == 3605.0 and not obs[2].returned


def test_tick_within_the_gap_limit_is_not_a_gap():
    assert not observe_all([(0.0, 0.0), (30.0, 0.0)])[1].gap
    assert observe_all([(0.0, 0.0), (30.5, 0.0)])[1].gap


def test_rule_timer_counts_up_to_its_interval_and_restarts():
    timer = RuleTimer(RULE, natural=180.0)
    timer.credit(1000.0)
    assert not timer.due and timer.remaining == 500.0
    timer.credit(10_000.0)
    assert timer.due and timer.active == 1500.0     # no pile-up beyond the interval
    timer.noticed = True
    timer.restart()
    assert (timer.active, timer.noticed, timer.due) == (0.0, False, False)


@pytest.mark.parametrize(("idle", "counts"), [(None, True), (0.0, True), (179.9, True),
                                              (180.0, False)])
def test_short_pauses_count_as_work(idle, counts):
    assert RuleTimer(RULE, natural=180.0).counts(idle) is counts


def test_a_clock_rule_has_no_timer():
    with pytest.raises(ValueError, match="no interval"):
        RuleTimer(Rule("relax", Kind.RELAX, timedelta(minutes=5)), natural=180.0)


def test_timers_are_built_for_interval_rules_only_with_their_natural_break():
    clock = Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(15, 30))
    long_break = Rule("walk", None, timedelta(minutes=10), every=timedelta(hours=1))
    timers = build_timers((RULE, clock, long_break),
                          ActivityPolicy(natural_break=timedelta(minutes=3)))
    assert list(timers) == ["stretch", "walk"]
    assert (timers["stretch"].natural, timers["walk"].natural) == (180.0, 600.0)
    assert all(t.active == 0.0 for t in timers.values())


def test_rebuilt_timers_keep_the_active_time_of_rules_that_keep_their_name():
    before = build_timers((RULE,), ActivityPolicy())
    before["stretch"].credit(1000.0)
    shorter = Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=10))
    water = Rule("water", None, timedelta(seconds=30), every=timedelta(minutes=30))
    after = build_timers((shorter, water), ActivityPolicy(), carried_over=before)
    assert (after["stretch"].active, after["water"].active) == (600.0, 0.0)   # capped
