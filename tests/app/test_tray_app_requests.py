"""The shell's control commands against a real App in-process (fakes for its side effects, the
real control socket): `resume` when nothing is paused changes nothing, and `pause --until` says
when the pause really ends."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from app.test_tray_app_reload import CONFIG, Running, _wait

from traybreak import paths
from traybreak.cli import main


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    """An App on a small config whose control socket is where the CLI looks for it."""
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    with tempfile.TemporaryDirectory(prefix="tb") as runtime:  # short: a socket lives there
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
        yield Running(tmp_path, paths.runtime_dir(), CONFIG.format(every="20m"))


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_resume_when_not_paused_says_so_and_logs_nothing(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    said: list[str] = []
    events: list[list[str]] = []

    def scenario() -> None:
        _wait(lambda: running.app.service.status)
        said.append(_cli(capsys, "resume"))
        events.append(running.events("resume"))
        _cli(capsys, "pause", "30m")
        _wait(lambda: running.app.service.status.paused)  # type: ignore[union-attr]
        said.append(_cli(capsys, "resume"))
        events.append(running.events("resume"))

    running.play(scenario)
    assert said == ["not paused: nothing to resume\n", "resumed\n"]
    assert events == [[], [""]]  # only the resume that ended a pause is logged


def test_pause_until_a_time_gone_by_today_says_tomorrow(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now().astimezone()
    earlier = now - timedelta(minutes=30)
    if earlier.date() != now.date():
        pytest.skip("just after midnight: no earlier time today")
    said: list[str] = []
    running.play(lambda: said.append(_cli(capsys, "pause", "--until", f"{earlier:%H:%M}")))
    assert said == [f"paused until tomorrow {earlier:%H:%M}\n"]


def test_status_json_says_running(running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    said: list[str] = []
    running.play(lambda: said.append(_cli(capsys, "status", "--json")))
    reply = json.loads(said[0])
    assert reply["running"] is True and reply["ok"] is True




def test_a_pause_too_long_sent_to_the_tray_is_refused_in_one_line(running: Running) -> None:
    """A client other than the CLI (which checks first) got an OverflowError's text (#18)."""
    replies: list[dict[str, object]] = []

    def scenario() -> None:
        _wait(lambda: running.app.service.status)
        replies.append(running.app.handle({"cmd": "pause", "duration": "3000000d"}))
        replies.append(running.app.handle({"cmd": "status"}))
        replies.append({"pause events": running.events("pause")})

    running.play(scenario)
    refused, status, events = replies
    assert refused["ok"] is False and "longer than the longest pause, 30d" in str(refused["error"])
    assert status["paused"] is False and events == {"pause events": []}
