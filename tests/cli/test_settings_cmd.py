"""`traybreak settings` before and after its window: a file it cannot edit is refused in one line
before any window (and left as it is), no display is the one-line no-display error, and telling
the tray about a save when none runs says so instead of failing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app.test_tray_app_reload import CONFIG, Running, start  # noqa: F401 - a fixture
from e2e.xdesktop import wait_until

from traybreak.cli import main
from traybreak.cli.settings_cmd import _chime, play_chime, tell_tray
from traybreak.errors import ExitStatus


def test_a_file_it_cannot_edit_is_refused_in_one_line_and_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[prompt\nsnooze = "5m"\n')
    assert main(["settings", "--config", str(config)]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid TOML" in err and str(config) in err
    assert config.read_text() == '[prompt\nsnooze = "5m"\n'


def test_no_display_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["settings", "--config", str(tmp_path / "config.toml")]) == ExitStatus.NO_DISPLAY
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "config.toml").exists()


def test_telling_the_tray_when_none_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert tell_tray(tmp_path / "config.toml") == "traybreak is not running"


def test_telling_the_running_tray_reloads_its_file_once(
        start: Callable[..., Running], tmp_path: Path) -> None:  # noqa: F811 - the fixture
    running = start(CONFIG.format(every="20m"), check_s=3600)  # only the request reloads
    runtime = running.app.runtime

    def scenario() -> None:
        assert tell_tray(running.config, runtime) == "unchanged"       # nothing saved yet
        running.edit(CONFIG.format(every="45m"))
        assert tell_tray(running.config, runtime) == "reloaded"
        assert running.every() == "45m"
        assert tell_tray(running.config, runtime) == "unchanged"
        other = tmp_path / "elsewhere.toml"
        assert tell_tray(other, runtime) == ("the running traybreak reads another file: "
                                             f"{running.config}")
        assert running.events("config_reloaded") == [str(running.config)]

    running.play(scenario)


@pytest.fixture
def only_player(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``only_player(SCRIPT)``: a pw-play running SCRIPT, alone on PATH, and a fresh Chime."""
    def make(script: str) -> None:
        stub = tmp_path / "pw-play"
        stub.write_text("#!/bin/sh\n" + script)
        stub.chmod(0o755)
        monkeypatch.setenv("PATH", str(tmp_path))

    _chime.cache_clear()
    yield make
    _chime.cache_clear()


def test_play_plays_the_chime_at_the_volume_given_else_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        only_player: Callable[[str], None]) -> None:
    from traybreak.platform.sound import MISSING_HINT, chime_path

    only_player('echo "$*" > "$0.argv"\n')
    assert play_chime(50) is None
    argv = tmp_path / "pw-play.argv"
    assert wait_until(argv.exists, 5)
    assert argv.read_text().split() == ["--volume=0.125", str(chime_path())]
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    _chime.cache_clear()
    assert play_chime(50) == MISSING_HINT


def test_a_player_that_could_not_play_is_said_at_the_next_play(
        tmp_path: Path, only_player: Callable[[str], None]) -> None:
    only_player('echo x >> "$0.calls"\necho "error: Host is down" >&2\nexit 1\n')
    assert play_chime(50) is None                    # it cannot tell yet: it does not wait
    assert wait_until(lambda: _chime().player is None, 5)
    assert play_chime(50) == "the chime could not play: pw-play could not play it " \
        "(exit 1: error: Host is down)"
    assert (tmp_path / "pw-play.calls").read_text() == "x\n"      # not tried again
