"""The control vocabulary: menu commands to requests, pause ends, break kinds, status replies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from traybreak.app.requests import (
    MAX_PAUSE,
    BadRequest,
    break_kind,
    check,
    menu_request,
    pause_until,
    status_reply,
)
from traybreak.core.actions import EngineState, RuleStatus, Status
from traybreak.core.model import Kind, Reason, Rule, WorkingHours
from traybreak.core.stats import Counts

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 13, 5, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("command", "request_"),
    [
        ("pause 30m", {"cmd": "pause", "duration": "30m"}),
        ("pause 1h", {"cmd": "pause", "duration": "1h"}),
        ("pause tomorrow", {"cmd": "pause", "until": "tomorrow"}),
        ("pause indefinitely", {"cmd": "pause"}),
        ("break-now relax", {"cmd": "break-now", "kind": "relax"}),
        ("resume", {"cmd": "resume"}),
        ("autostart on", {"cmd": "autostart", "enabled": True}),
        ("autostart off", {"cmd": "autostart", "enabled": False}),
    ],
)
def test_menu_commands_become_requests(command: str, request_: dict[str, object]) -> None:
    assert menu_request(command) == request_
    assert check(request_) == request_["cmd"]


def test_unknown_command_is_refused() -> None:
    with pytest.raises(BadRequest, match="unknown command"):
        check({"cmd": "rm -rf"})


def test_pause_for_a_duration() -> None:
    assert pause_until({"cmd": "pause", "duration": "30m"}, NOW, None).until == NOW + timedelta(
        minutes=30)


def test_pause_until_a_clock_time_today_or_tomorrow() -> None:
    later = pause_until({"cmd": "pause", "until": "14:30"}, NOW, None).until
    assert later == datetime(2026, 3, 10, 14, 30, tzinfo=BERLIN)
    earlier = pause_until({"cmd": "pause", "until": "09:00"}, NOW, None).until
    assert earlier == datetime(2026, 3, 11, 9, 0, tzinfo=BERLIN)


def test_pause_until_tomorrow_uses_working_hours_when_set() -> None:
    hours = WorkingHours(start=time(8, 30), end=time(17, 0))
    assert pause_until({"cmd": "pause", "until": "tomorrow"}, NOW, hours).until == datetime(
        2026, 3, 11, 8, 30, tzinfo=BERLIN)
    assert pause_until({"cmd": "pause", "until": "tomorrow"}, NOW, None).until == datetime(
        2026, 3, 11, 4, 0, tzinfo=BERLIN)


def test_pause_indefinitely() -> None:
    assert pause_until({"cmd": "pause"}, NOW, None).until is None


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"cmd": "pause", "duration": "30"}, "no unit"),
        ({"cmd": "pause", "duration": "0s"}, "longer than 0s"),
        ({"cmd": "pause", "until": "25:00"}, "not a time"),
        ({"cmd": "pause", "until": "14:30", "duration": "5m"}, "not both"),
    ],
)
def test_bad_pauses_say_what_is_wrong(request_: dict[str, object], message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        pause_until(request_, NOW, None)


@pytest.mark.parametrize("duration", ["3000000d", "31d", "30d1s", "999999999d"])
def test_a_pause_longer_than_the_cap_is_refused_in_one_line_naming_the_cap(duration: str) -> None:
    """3000000d used to end past the year 9999: an OverflowError's text as the reply (#18)."""
    with pytest.raises(BadRequest) as caught:
        pause_until({"cmd": "pause", "duration": duration}, NOW, None)
    message = str(caught.value)
    assert "longer than the longest pause, 30d" in message and "--indefinitely" in message
    assert "\n" not in message and "Overflow" not in message


def test_the_longest_pause_is_allowed() -> None:
    assert pause_until({"cmd": "pause", "duration": "30d"}, NOW, None).until == NOW + MAX_PAUSE


def _status(stretch_left: int, strengthen_left: int) -> Status:
    return Status(
        state=EngineState.ACTIVE, paused=False, paused_until=None, skip_next=False, prompt=None,
        rules=(
            RuleStatus("stretch", Kind.STRETCH, timedelta(minutes=stretch_left),
                       timedelta(minutes=25)),
            RuleStatus("strengthen", Kind.STRENGTHEN, timedelta(minutes=strengthen_left),
                       timedelta(minutes=55)),
            RuleStatus("relax", Kind.RELAX, None, None),
        ),
        idle=timedelta(seconds=3),
    )


def test_break_now_kind_is_the_asked_one_or_the_nearest() -> None:
    assert break_kind({"kind": "relax"}, _status(10, 5)) is Kind.RELAX
    assert break_kind({}, _status(10, 5)) is Kind.STRENGTHEN
    assert break_kind({}, _status(3, 5)) is Kind.STRETCH
    assert break_kind({}, None) is Kind.STRETCH
    with pytest.raises(BadRequest, match="unknown kind"):
        break_kind({"kind": "nap"}, None)


def test_status_reply_fields() -> None:
    rules = (Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(15, 30)),)
    reply = status_reply(_status(12, 41), Counts(5, 1, 0, 2, 3, 0), rules, {"log": "/x"})
    assert reply["ok"] is True and reply["state"] == "active" and reply["paused"] is False
    assert reply["rules"][0] == {"name": "stretch", "kind": "stretch", "remaining": "12m",
                                 "every": "25m", "at": None, "next_at": None, "prompt": None,
                                 "until": None}
    assert reply["rules"][2]["at"] == "15:30"
    assert reply["today"] == {"done": 5, "skipped": 1, "snoozed": 0, "ignored": 2,
                              "natural": 3, "suppressed": 0}
    assert reply["idle_s"] == 3.0 and reply["log"] == "/x" and isinstance(reply["pid"], int)
    assert reply["waiting_for"] is None
    busy = replace(_status(12, 41), busy=Reason.FULLSCREEN)
    assert status_reply(busy, Counts(), rules, {})["waiting_for"] == "fullscreen"
