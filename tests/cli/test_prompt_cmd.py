"""`traybreak prompt` errors, without opening a window: unknown id, no display, bad options."""

from __future__ import annotations

from pathlib import Path

import pytest

from traybreak.cli import main
from traybreak.errors import ExitStatus


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRAYBREAK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def test_unknown_exercise_names_close_matches(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DISPLAY", ":9999")  # passes the display check; no window is opened
    assert main(["prompt", "chin_tuk"]) == ExitStatus.BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "chin_tuck" in err


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="X11 only")
def test_no_display_is_one_line_and_its_own_status(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["prompt", "chin_tuck"]) == ExitStatus.NO_DISPLAY
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert "no graphical session" in err


@pytest.mark.parametrize("argv", [
    ["prompt"],
    ["prompt", "chin_tuck", "--message", "hi"],
])
def test_needs_exactly_one_of_id_or_message(argv: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == ExitStatus.BAD_INPUT
    assert "EXERCISE_ID" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["prompt", "chin_tuck", "--timeout", "2"],
    ["prompt", "chin_tuck", "--snoozes-left", "-1"],
    ["prompt", "chin_tuck", "--skips-left", "lots"],
])
def test_bad_option_values_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


def test_draw_figure_keeps_the_figure_without_a_display(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What a prompt window runs to have a figure drawn outside its own process (#18 point 12).
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["prompt", "chin_tuck", "--draw-figure", "120"]) == ExitStatus.OK
    assert capsys.readouterr().out == ""
    (index,) = (tmp_path / "cache" / "traybreak" / "figures").glob("*/chin_tuck-120-*/index.json")
    assert (index.parent / "0.png").is_file()


def test_draw_figure_without_an_exercise_is_one_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["prompt", "--draw-figure", "120"]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "EXERCISE_ID" in err
