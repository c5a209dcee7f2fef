"""``traybreak config ...`` through cli.main, and which file it reads (--config, env, XDG)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from traybreak import paths
from traybreak.cli import main
from traybreak.config.settings import default_config, load_config
from traybreak.config.text import defaults_toml
from traybreak.errors import ExitStatus


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private XDG_CONFIG_HOME and no TRAYBREAK_CONFIG; returns the default config file."""
    monkeypatch.delenv(paths.CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "traybreak" / "config.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CONFIG_HOME is the Linux convention")
def test_the_default_path_follows_xdg_config_home(xdg: Path) -> None:
    assert paths.config_file() == xdg


def test_the_environment_variable_overrides_the_default(
    xdg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.CONFIG_ENV, str(tmp_path / "from-env.toml"))
    assert paths.config_file() == tmp_path / "from-env.toml"
    assert paths.config_file(tmp_path / "flag.toml") == tmp_path / "flag.toml"


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_path_prefers_the_flag_then_the_variable(
    xdg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], where: str,
) -> None:
    flag = tmp_path / "flag.toml"
    monkeypatch.setenv(paths.CONFIG_ENV, str(tmp_path / "env.toml"))
    argv = ["--config", str(flag), "config", "path"]
    if where == "after":
        argv = ["config", "path", "--config", str(flag)]
    assert run(capsys, *argv) == (ExitStatus.OK, f"{flag}\n", "(not created yet)\n")
    assert run(capsys, "config", "path") == (ExitStatus.OK, f"{tmp_path / 'env.toml'}\n",
                                             "(not created yet)\n")
    monkeypatch.delenv(paths.CONFIG_ENV)
    assert run(capsys, "config", "path")[1] == f"{paths.config_file()}\n"


def test_config_path_is_quiet_when_the_file_exists(
    xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xdg.parent.mkdir(parents=True)
    xdg.write_text("", encoding="utf-8")
    assert run(capsys, "config", "path") == (ExitStatus.OK, f"{paths.config_file()}\n", "")


def test_config_defaults_prints_the_starting_file(
    xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "config", "defaults") == (ExitStatus.OK, defaults_toml(), "")
    assert not xdg.exists()  # printing, not writing


def test_config_show_prints_the_effective_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('[prompt]\nsnooze = "7m"\n[breaks.water]\nmessage = "Drink"\nevery = "1h"\n',
                    encoding="utf-8")
    status, out, err = run(capsys, "config", "show", "--config", str(mine))
    assert (status, err) == (ExitStatus.OK, "")
    shown = tmp_path / "shown.toml"
    shown.write_text(out, encoding="utf-8")
    assert load_config(shown) == load_config(mine) != default_config()
    assert '[breaks.water]\nmessage = "Drink"' in out


def test_config_show_with_a_bad_file_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[prompt]\nsnooze = 5\ntimeout = 2\n", encoding="utf-8")
    status, out, err = run(capsys, "--config", str(bad), "config", "show")
    assert (status, out) == (ExitStatus.BAD_INPUT, "")
    assert err.count("\n") == 1
    assert err.startswith(f"traybreak: {bad}: prompt.snooze: ") and "config check" in err


def test_config_check_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[breaks.stretch]\nevery = 25\n[prompt]\nsnoze = "5m"\n', encoding="utf-8")
    status, out, err = run(capsys, "config", "check", "--config", str(bad))
    assert (status, out) == (ExitStatus.BAD_INPUT, "")
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad}: breaks.stretch.every: 25 is a bare number")
    assert lines[1].startswith(f"{bad}: prompt.snoze: unknown key; did you mean \"snooze\"?")


def test_config_check_says_ok(
    tmp_path: Path, xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.toml"
    good.write_text(defaults_toml(), encoding="utf-8")
    assert run(capsys, "config", "check", "--config", str(good)) == (
        ExitStatus.OK, f"{good}: ok\n", "")
    status, out, _ = run(capsys, "config", "check")
    assert status == ExitStatus.OK and out.startswith(f"{paths.config_file()}: ok")
    assert not xdg.exists()


def test_config_without_an_action_shows_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "config")
    assert status == ExitStatus.OK
    for action in ("path", "show", "defaults", "check"):
        assert action in out


@pytest.mark.parametrize("action", ["path", "show", "defaults", "check"])
def test_every_config_action_has_help(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["config", action, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: traybreak config {action}") and "--config FILE" in out


CHECKED_NAMES = [
    pytest.param('[exercises]\nexclude = ["chin_tuk"]\nfavourites = ["nope", "chin_tuck"]\n', [
        'exercises.exclude: unknown exercise "chin_tuk"; did you mean "chin_tuck"? '
        "(expected an id from `traybreak exercises list`)",
        'exercises.favourites: unknown exercise "nope" '
        "(expected an id from `traybreak exercises list`)",
    ], id="unknown-exercise-ids-with-a-suggestion"),
    # #16 point 3: unknown caution tags and props are named, with every known one listed
    pytest.param('[exercises]\navoid = ["osteoporosis", "pregnant"]\nhave = ["stairs"]\n', [
        'exercises.avoid: "pregnant" is not a caution tag; did you mean "pregnancy"? '
        "(expected any of: osteoporosis, pregnancy, recent_surgery, back, neck, shoulder, wrist, "
        "hip, knee, ankle, balance, dizziness, heart, lungs, hernia, eyes)",
        'exercises.have: "stairs" is not a prop (expected any of: wall, doorway, '
        "fixed_chair, low_chair_back, floor, step, band)",
    ], id="unknown-caution-tags-and-props"),
]


@pytest.mark.parametrize(("text", "expected"), CHECKED_NAMES)
def test_config_check_names_unknown_names_and_what_is_known(
    tmp_path: Path, xdg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    text: str, expected: list[str],
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # no user packs
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "config", "check", "--config", str(mine))
    assert (status, out) == (ExitStatus.BAD_INPUT, "")
    assert err.splitlines() == [f"{mine}: {line}" for line in expected]


def test_config_check_reports_a_named_file_that_does_not_exist(
    tmp_path: Path, xdg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nonexistent.toml"
    status, out, err = run(capsys, "config", "check", "--config", str(missing))
    assert (status, out) == (ExitStatus.BAD_INPUT, "")
    assert err == (f"{missing}: no such file (expected the config file --config names; "
                   "`traybreak config defaults` prints one to start from)\n")
    monkeypatch.setenv(paths.CONFIG_ENV, str(missing))
    status, _, err = run(capsys, "config", "check")
    assert status == ExitStatus.BAD_INPUT and "$TRAYBREAK_CONFIG names" in err
    monkeypatch.delenv(paths.CONFIG_ENV)
    assert run(capsys, "config", "check")[0] == ExitStatus.OK  # the default file may be absent


@pytest.mark.parametrize(("lines", "problem"), [
    ('sound = "yes"', 'prompt.sound: "yes" is not true or false (expected true or false, '
                      "without quotes)"),
    ("volume = 101", "prompt.volume: 101 is more than 100 (expected a whole number from 0 to 100)"),
    ("sound = true\nvolume = 0", None),
])
def test_config_check_validates_sound_and_volume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: str, problem: str | None
) -> None:
    """#17 point 5: the chime's keys are checked like every other key, one line per problem."""
    config = tmp_path / "config.toml"
    config.write_text(f"[prompt]\n{lines}\n", encoding="utf-8")
    status, _, err = run(capsys, "config", "check", "--config", str(config))
    if problem is None:
        assert (status, err) == (ExitStatus.OK, "")
    else:
        assert (status, err) == (ExitStatus.BAD_INPUT, f"{config}: {problem}\n")
