"""The engine thread with a fake idle source and a recording sink: it sleeps until a deadline or
a command (no polling), samples idle once per wake, survives a failing idle source, and stops."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

from fakes import FakeBusy, FakeIdle, ListSink

from traybreak.app.clocks import Clocks
from traybreak.app.engine_thread import (
    Answer,
    BreakNow,
    EngineService,
    NoteExercise,
    Pause,
    Resume,
)
from traybreak.core.actions import ClosePrompt, EngineState, Record, ShowPrompt
from traybreak.core.engine import Engine
from traybreak.core.model import ActivityPolicy, Kind, Outcome, PromptPolicy, Reason, Rule
from traybreak.platform.busy.base import BusySources

HOUR_RULE = Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(hours=1))


def start(rules=(HOUR_RULE,), sample_every=60.0, idle=None):
    engine = Engine(rules, ActivityPolicy(sample_every=timedelta(seconds=sample_every)),
                    PromptPolicy(), None)
    sink, source = ListSink(), idle or FakeIdle()
    service = EngineService(engine, None, source, sink)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert sink.wait_for(lambda acts: bool(acts)), "no first tick"
    return service, sink, source, thread


def until(condition, timeout=5.0) -> bool:
    """Wait (in the test, not the service) until ``condition()`` holds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def stop(service, thread):
    service.stop()
    thread.join(5)
    assert not thread.is_alive()


def shows(actions):
    return [a for a in actions if isinstance(a, ShowPrompt)]


def test_a_command_wakes_the_loop_at_once():
    service, sink, source, thread = start(sample_every=60.0)
    began = time.monotonic()
    service.submit(BreakNow(Kind.RELAX))
    assert sink.wait_for(lambda acts: bool(shows(acts)), timeout=2)
    assert time.monotonic() - began < 1.0
    assert service.wakes == 2 and source.calls == 2      # one sample per wake, no polling
    stop(service, thread)


def test_the_loop_wakes_for_a_deadline_not_on_a_timer():
    soon = Rule("soon", Kind.STRETCH, timedelta(seconds=1), every=timedelta(seconds=1.5))
    service, sink, _, thread = start(rules=(soon,), sample_every=60.0)
    assert sink.wait_for(lambda acts: bool(shows(acts)), timeout=4)
    # first tick, then the deadline (maybe once more for float rounding): no 1-second polling
    assert service.wakes <= 3
    stop(service, thread)


def test_at_rest_it_wakes_only_at_the_longest_tick_interval():
    service, _, source, thread = start(sample_every=0.25)
    assert service.engine.max_tick_interval == 144.0       # 0.8 of the 3 min gap limit
    time.sleep(1.0)
    assert service.wakes == 1 and source.calls == 1
    stop(service, thread)


def test_it_wakes_when_an_idle_run_would_become_a_natural_break():
    rule = Rule("stretch", Kind.STRETCH, timedelta(seconds=1), every=timedelta(hours=1),
                natural_break=timedelta(seconds=1.0))
    service, _, source, thread = start(rules=(rule,), sample_every=60.0,
                                       idle=FakeIdle(timedelta(seconds=0.2)))
    # after the first tick the timer has no work yet; a command tick credits some
    service.submit(Resume())
    assert until(lambda: service.wakes >= 2)
    source.value = timedelta(seconds=5)                     # the user has left
    time.sleep(1.5)                                         # the run reaches 1 s on its own
    assert service.wakes == 3                               # woken once, for that moment
    assert service.status.rules[0].remaining == timedelta(hours=1)   # reset by the break
    stop(service, thread)


def test_it_samples_every_period_while_a_snoozed_prompt_waits_for_the_user():
    soon = Rule("soon", Kind.STRETCH, timedelta(seconds=1), every=timedelta(seconds=0.3),
                natural_break=timedelta(minutes=3))
    engine = Engine((soon,), ActivityPolicy(sample_every=timedelta(seconds=0.2)),
                    PromptPolicy(snooze=timedelta(seconds=0.2)), None)
    sink, source = ListSink(), FakeIdle()
    service = EngineService(engine, None, source, sink)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert sink.wait_for(lambda acts: bool(shows(acts)))
    source.value = timedelta(minutes=10)                    # away: the re-show must wait
    service.submit(Answer(shows(sink.actions)[0].occurrence, Outcome.SNOOZED))
    time.sleep(1.0)
    assert len(shows(sink.actions)) == 1
    polled = service.wakes
    assert polled >= 5                                      # about every 0.2 s, not 15 s
    source.value = timedelta(0)                             # back at the desk
    assert sink.wait_for(lambda acts: len(shows(acts)) == 2, timeout=2)
    stop(service, thread)


def test_answer_and_pause_commands_reach_the_engine_and_status():
    service, sink, _, thread = start()
    service.submit(BreakNow(Kind.STRETCH))
    assert sink.wait_for(lambda acts: bool(shows(acts)))
    occurrence = shows(sink.actions)[0].occurrence
    service.submit(NoteExercise(occurrence, "chin_tuck"))
    service.submit(Answer(occurrence, Outcome.DONE))
    assert sink.wait_for(lambda acts: any(
        isinstance(a, Record) and a.record.outcome is Outcome.DONE for a in acts))
    done = next(a for a in sink.actions if isinstance(a, Record) and a.record.outcome)
    assert done.record.exercise_id == "chin_tuck"
    service.submit(Pause(duration=timedelta(minutes=30)))
    assert until(lambda: service.status is not None and service.status.paused)
    assert service.status.state is EngineState.PAUSED
    service.submit(Resume())
    assert until(lambda: not service.status.paused)
    stop(service, thread)


def test_the_sink_sees_the_status_its_actions_lead_to():
    # The tray refreshes itself from ``status`` when the sink is called: a pause must show as
    # paused then, not at the next once-a-minute refresh.
    seen: list[tuple[list[object], object]] = []
    engine = Engine((HOUR_RULE,), ActivityPolicy(sample_every=timedelta(seconds=60)),
                    PromptPolicy(), None)
    service = EngineService(engine, None, FakeIdle(),
                            lambda actions: seen.append((list(actions), service.status)))
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert until(lambda: bool(seen))
    assert seen[0][1] is not None                           # the first batch: not "starting"
    service.submit(Pause(duration=timedelta(minutes=30)))
    assert until(lambda: any(status.paused for _, status in seen[1:]))
    batch, status = seen[1]
    assert batch and status.state is EngineState.PAUSED
    stop(service, thread)


def test_stop_ends_the_prompt_on_screen_and_returns():
    service, sink, _, thread = start()
    service.submit(BreakNow(Kind.STRETCH))
    assert sink.wait_for(lambda acts: bool(shows(acts)))
    stop(service, thread)
    assert any(isinstance(a, ClosePrompt) for a in sink.actions)
    final = [a.record for a in sink.actions if isinstance(a, Record) and a.record.outcome]
    assert [(r.outcome, r.reason) for r in final] == [("suppressed", "stopped")]


class BrokenIdle(FakeIdle):
    def idle(self):
        self.calls += 1
        raise OSError("X server went away")


def test_a_failing_idle_source_counts_as_active_and_the_loop_goes_on():
    service, _, source, thread = start(sample_every=0.2, idle=BrokenIdle())
    service.submit(Resume())
    assert until(lambda: source.calls >= 2)
    assert thread.is_alive()
    assert service.status is not None and service.status.idle is None
    stop(service, thread)



def test_it_logs_when_a_shown_prompt_fell_due_not_when_the_engine_woke(caplog):
    # bench/prompt_due.py measures "visible after it falls due" from this line. A clock that
    # jumps 0.3 s after the first tick makes the timer wake 0.3 s late: the line must still give
    # the planned moment (first tick + interval), and say how late the wake was.
    caplog.set_level("DEBUG", logger="traybreak.app.engine_thread")
    ticks = []

    def late_mono() -> float:
        ticks.append(None)
        return time.monotonic() + (0.3 if len(ticks) > 1 else 0.0)

    soon = Rule("soon", Kind.STRETCH, timedelta(seconds=1), every=timedelta(seconds=1.5))
    engine = Engine((soon,), ActivityPolicy(sample_every=timedelta(seconds=60)), PromptPolicy(),
                    None)
    sink = ListSink()
    service = EngineService(engine, None, FakeIdle(), sink, Clocks(mono=late_mono))
    began = time.monotonic()
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert sink.wait_for(lambda acts: bool(shows(acts)), timeout=4)
    stop(service, thread)
    lines = [r.getMessage() for r in caplog.records if "fell due at mono" in r.getMessage()]
    assert len(lines) == 1
    due = float(lines[0].split("fell due at mono ")[1].split()[0])
    assert abs(due - (began + 1.5)) < 0.15
    assert 250 < float(lines[0].split("woke ")[1].split()[0]) < 350


def _start_with_hook(on_wake, wake_every, idle=None):
    engine = Engine((HOUR_RULE,), ActivityPolicy(sample_every=timedelta(seconds=60)),
                    PromptPolicy(), None)
    service = EngineService(engine, None, idle or FakeIdle(), ListSink(), on_wake=on_wake,
                            wake_every=wake_every)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    return service, thread


def test_the_after_wake_hook_runs_on_every_wake_and_caps_the_sleep():
    calls: list[float] = []
    service, thread = _start_with_hook(lambda: calls.append(time.monotonic()), wake_every=0.2)
    assert until(lambda: len(calls) >= 4, timeout=3)
    service.stop()
    thread.join(5)
    assert len(calls) == service.wakes - 1      # once per wake (not after the stopping one)
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert all(0.15 < gap < 0.6 for gap in gaps), gaps  # the sleep is capped at wake_every


def test_without_wake_every_the_hook_adds_no_wakes():
    calls: list[float] = []
    service, thread = _start_with_hook(lambda: calls.append(time.monotonic()), wake_every=None)
    time.sleep(0.8)
    assert len(calls) == 1 and service.wakes == 1
    stop(service, thread)


def test_away_the_hook_adds_no_wakes_as_no_countdown_moves():
    """Nobody at the desk (idle past the natural break): the rule does not count, the tray's
    words and ring stand still, so ``wake_every`` does not wake the loop (at rest it did, once a
    minute, for nothing to show)."""
    calls: list[float] = []
    service, thread = _start_with_hook(lambda: calls.append(time.monotonic()), wake_every=0.1,
                                       idle=FakeIdle(timedelta(hours=1)))
    time.sleep(0.8)
    assert service.status is not None and not any(r.counting for r in service.status.rules)
    assert len(calls) == 1 and service.wakes == 1
    stop(service, thread)


def test_a_failing_after_wake_hook_does_not_stop_the_engine(caplog):
    def broken() -> None:
        raise RuntimeError("tray trouble")

    service, thread = _start_with_hook(broken, wake_every=0.1)
    assert until(lambda: service.wakes >= 3, timeout=3)
    assert "after-wake hook failed" in caplog.text
    service.submit(BreakNow(Kind.RELAX))
    assert until(lambda: service.status is not None
                 and service.status.state is EngineState.PROMPTING, timeout=2)
    stop(service, thread)


def test_the_status_between_wakes_is_moved_on_and_names_the_next_clock_time():
    """A status asked for between wakes counts down with the real clock (it froze until the next
    wake); a clock rule's row carries its next due time from the scheduler."""
    from datetime import datetime
    from datetime import time as clock_time

    from traybreak.app.clock_jobs import ClockScheduler

    mono = [100.0]
    wall = datetime(2026, 3, 6, 16, 0).astimezone()    # a Friday, after a rule's 12:30
    walk = Rule("walk", None, timedelta(minutes=3), at=clock_time(12, 30),
                days=frozenset(range(5)), message="Walk")
    engine = Engine([HOUR_RULE, walk], ActivityPolicy(), PromptPolicy(), None)
    service = EngineService(engine, ClockScheduler([walk], wall), FakeIdle(), ListSink(),
                            Clocks(wall=lambda: wall, mono=lambda: mono[0]))
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert until(lambda: service.status is not None)
    first = {r.name: r for r in service.status.rules}
    assert first["stretch"].remaining == timedelta(hours=1)
    assert first["walk"].next_at == datetime(2026, 3, 9, 12, 30).astimezone()   # Monday
    mono[0] += 90
    assert service.status.rules[0].remaining == timedelta(minutes=58, seconds=30)
    stop(service, thread)


class WakingIdle(FakeIdle):
    """An idle source that hears of changes by event (a screen lock) and wakes the engine."""

    def __init__(self) -> None:
        super().__init__(timedelta(0))
        self.waker = None

    def set_waker(self, wake):
        self.waker = wake


def test_an_idle_source_that_hears_a_lock_wakes_the_loop_at_once():
    source = WakingIdle()
    service, _, _, thread = start(idle=source)
    assert source.waker is not None
    assert until(lambda: service.wakes == 1 and source.calls == 1)
    source.waker()                           # the screen locked (the loop sleeps an hour)
    assert until(lambda: service.wakes == 2, timeout=1.0)
    assert source.calls == 2                 # it woke to sample the idle time
    stop(service, thread)


def test_the_busy_state_is_sampled_once_per_wake_and_holds_a_prompt_until_it_ends():
    soon = Rule("soon", Kind.STRETCH, timedelta(seconds=1), every=timedelta(seconds=1))
    engine = Engine((soon,), ActivityPolicy(sample_every=timedelta(seconds=0.2)),
                    PromptPolicy(), None)
    dnd, broken = FakeBusy(frozenset({Reason.DND})), FakeBusy(RuntimeError("garbage"))
    sink = ListSink()
    service = EngineService(engine, None, FakeIdle(), sink, busy=BusySources([dnd, broken]))
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    def held(acts: list[object]) -> bool:
        return any(isinstance(a, Record) and a.record.reason is Reason.DND for a in acts)

    assert sink.wait_for(held, timeout=4)
    assert service.status is not None and service.status.busy is Reason.DND
    assert not shows(sink.actions)
    dnd.value = frozenset()
    assert sink.wait_for(lambda acts: bool(shows(acts)), timeout=2)   # within sample_every
    assert len(shows(sink.actions)) == 1
    stop(service, thread)
    assert dnd.calls == broken.calls == service.wakes   # once per wake; a broken one is free


def test_a_stop_asked_while_the_sink_works_still_ends_the_prompt_on_screen():
    """#18 point 10 (found by the soak): a quit that came while the sink was starting a window
    ended the loop without the engine's stop, so the prompt's row stayed open (and was closed
    as crashed at the next start) instead of ending suppressed/stopped."""
    engine = Engine((HOUR_RULE,), ActivityPolicy(sample_every=timedelta(seconds=60)),
                    PromptPolicy(), None)
    sink = ListSink()
    service: EngineService

    def stop_while_showing(actions) -> None:  # type: ignore[no-untyped-def]
        sink(actions)
        if shows(actions):
            service.stop()   # the app quits while the window is being started

    service = EngineService(engine, None, FakeIdle(), stop_while_showing)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert until(lambda: service.wakes >= 1)
    service.submit(BreakNow(Kind.STRETCH))
    thread.join(5)
    assert not thread.is_alive()
    ends = [a.record for a in sink.actions if isinstance(a, Record) and a.record.outcome]
    assert [(r.outcome, r.reason) for r in ends] == [(Outcome.SUPPRESSED, Reason.STOPPED)]


class ReturningIdle(WakingIdle):
    """An idle source that can also tell when the user comes back (WatchesReturn)."""

    def __init__(self, value: timedelta, can_watch: bool = True) -> None:
        super().__init__()
        self.value, self.can_watch = value, can_watch
        self.watched: list[timedelta] = []

    def watch_return(self, after):
        self.watched.append(after)
        return self.can_watch


def _sleeps_with(source):
    """Start a service on ``source`` whose sleeps are recorded (and cut to 50 ms)."""
    sleeps: list[float] = []

    def wait(event, timeout):
        sleeps.append(timeout)
        return event.wait(min(timeout, 0.05))

    engine = Engine((HOUR_RULE,), ActivityPolicy(natural_break=timedelta(minutes=5)),
                    PromptPolicy(), None)
    service = EngineService(engine, None, source, ListSink(), Clocks(wait=wait))
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert until(lambda: len(sleeps) >= 3)
    return service, thread, sleeps


def test_away_with_a_source_that_hears_the_return_it_sleeps_long_and_wakes_at_the_return():
    """Nobody there, and the source will say when they are back: no tick every 144 s (each a
    few ms of cold CPU, most of the tray's cost at rest), one every AWAY_WAKE_S; the return
    wakes the loop, which then counts work again."""
    from traybreak.app.engine_thread import AWAY_WAKE_S

    source = ReturningIdle(timedelta(hours=1))
    service, thread, sleeps = _sleeps_with(source)
    assert service.status.state is EngineState.AWAY
    assert sleeps[-1] == AWAY_WAKE_S == 600.0
    assert source.watched[-1] == timedelta(minutes=5)   # the natural-break length: away's own
    source.value = timedelta(0)                          # the user is back
    wakes = service.wakes
    source.waker()
    assert until(lambda: service.wakes > wakes and service.status.state is EngineState.ACTIVE)
    assert until(lambda: sleeps[-1] == 144.0)            # working: the usual ticks again
    stop(service, thread)


def test_away_without_a_return_watch_it_keeps_the_usual_ticks():
    """A source that cannot watch (now: its connection broke) and one that never could (FakeIdle)
    both keep the 144 s ticks, which find the return within one interval."""
    for source in (ReturningIdle(timedelta(hours=1), can_watch=False),
                   FakeIdle(timedelta(hours=1))):
        service, thread, sleeps = _sleeps_with(source)
        assert service.status.state is EngineState.AWAY
        assert set(sleeps) == {144.0}
        stop(service, thread)


def test_at_work_the_return_watch_is_not_asked_for():
    source = ReturningIdle(timedelta(seconds=3))
    service, thread, sleeps = _sleeps_with(source)
    assert service.status.state is EngineState.ACTIVE and source.watched == []
    assert 144.0 in sleeps
    stop(service, thread)
