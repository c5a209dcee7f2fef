"""The status tells the truth between wakes and while a rule has a prompt: countdowns move on
(Status.at), a prompt waiting for the user, on screen, snoozed or queued says so instead of
"next in 0s"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from traybreak.core.actions import RuleStatus, ShowPrompt, prompt_words
from traybreak.core.engine import Engine
from traybreak.core.model import ActivityPolicy, Kind, Outcome, PromptPolicy, Rule

ZONE = timezone(timedelta(hours=1))
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)
STRETCH = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(seconds=60))
STRENGTHEN = Rule("strengthen", Kind.STRENGTHEN, timedelta(seconds=20),
                  every=timedelta(seconds=90))


def _run(engine: Engine, start: float, seconds: float, idle: float = 1.0) -> list[object]:
    out: list[object] = []
    mono = start
    if start == 0:
        out += engine.tick(START, 0, timedelta(seconds=idle))
    while mono < start + seconds:
        mono += 5
        out += engine.tick(START + timedelta(seconds=mono), mono, timedelta(seconds=idle))
    return out


def _rule(engine: Engine, name: str) -> RuleStatus:
    return next(r for r in engine.status().rules if r.name == name)


def test_a_countdown_moves_on_between_wakes_unless_it_holds_still() -> None:
    engine = Engine([STRETCH], ActivityPolicy(), PromptPolicy())
    _run(engine, 0, 20)
    status = engine.status()
    assert status.rules[0].remaining == timedelta(seconds=40) and status.rules[0].counting
    assert status.at(32).rules[0].remaining == timedelta(seconds=28)
    assert status.at(500).rules[0].remaining == timedelta(0)
    engine.pause(START + timedelta(seconds=20), 20)
    paused = engine.status()
    assert paused.at(32).rules[0].remaining == timedelta(seconds=40)   # timers hold still


def test_a_prompt_waiting_for_the_user_says_so() -> None:
    at = (START + timedelta(minutes=5)).time()
    relax = Rule("relax", Kind.RELAX, timedelta(minutes=5), at=at)
    engine = Engine([relax], ActivityPolicy(), PromptPolicy())
    _run(engine, 0, 295, idle=240)   # the user is away when it falls due
    engine.tick(START + timedelta(minutes=5), 300, timedelta(minutes=5),
                [("relax", START + timedelta(minutes=5))])
    rule = _rule(engine, "relax")
    assert (rule.prompt, rule.counting) == ("waiting", False)
    assert prompt_words(rule.prompt, rule.until, START.date()) == "waiting for you to come back"


def test_on_screen_snoozed_until_and_queued() -> None:
    engine = Engine([STRETCH, STRENGTHEN], ActivityPolicy(), PromptPolicy(
        timeout=timedelta(minutes=5), snooze=timedelta(minutes=5)))
    _run(engine, 0, 60)
    assert _rule(engine, "stretch").prompt == "shown"
    _run(engine, 60, 35)
    assert _rule(engine, "strengthen").prompt == "queued"
    words = prompt_words("queued", None, START.date())
    assert words == "next, after the prompt on screen"

    engine = Engine([STRETCH], ActivityPolicy(), PromptPolicy(snooze=timedelta(minutes=5)))
    shown = next(a for a in _run(engine, 0, 60) if isinstance(a, ShowPrompt))
    engine.answer(START + timedelta(seconds=60), 60, shown.occurrence, Outcome.SNOOZED)
    rule = _rule(engine, "stretch")
    assert (rule.prompt, rule.until) == ("snoozed", START + timedelta(minutes=6))
    assert prompt_words(rule.prompt, rule.until, START.date()) == "snoozed until 09:06"
