"""The first run on a real X server (issue 17 points 2 and 6): the tray started in a fresh home
(HOME and the XDG folders in a temporary one) shows the welcome window once, runs on meanwhile (a
break asked for comes while it is open), and the choices clicked in it (a preset, a condition,
Start) land in the config file, the login entry and the application menu; a second start shows
it no more. Skip changes nothing. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from e2e.test_settings_window import centre, every, reported
from e2e.test_small_windows import open_window, wm_desktop  # noqa: F401 - a fixture
from e2e.test_tray_app import app_on_a_desktop
from e2e.xdesktop import Desktop, wait_until

from traybreak.config.settings import load_config
from traybreak.paths import APP_ID
from traybreak.ui.protocol import read_settings_result
from traybreak.ui.settings.welcome_form import TITLE

pytestmark = pytest.mark.e2e

ICON = "^traybreakSystemTrayIcon$"


def fits(layout: dict[str, object], desk: Desktop) -> bool:
    box = layout["window"]
    assert isinstance(box, dict)
    width, height = desk.size
    return bool(box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width
                and box["y"] + box["height"] <= height)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "home"


@pytest.mark.slow   # two tray starts and a prompt: about 9 s
def test_the_first_run_welcomes_once_and_saves_the_choices(home: Path) -> None:
    home.mkdir()
    with app_on_a_desktop(home, fresh=True) as app:
        desk = app.desk
        assert desk.wait_docked(desk.wait_for_window(classname=ICON, timeout=10), 2.0)
        desk.wait_for_window(name=f"^{TITLE}$", timeout=10)
        assert (home / "state" / "traybreak" / "welcome-shown").is_file()   # recorded
        window = reported(app.geometry, lambda r: "start" in r.get("widgets", {}), 10)
        assert fits(window, desk)
        assert window["preset"] == "standard" and window["autostart"] is True
        assert window["avoid"] == "" and not window["changed"]
        time.sleep(0.2)
        desk.screenshot("welcome_first_run_1024x768.png")

        # The tray does not wait for it: it answers, and a break asked for comes meanwhile.
        assert every(app) == "25m"
        app.geometry.unlink()
        assert app.cli("break-now", "stretch").returncode == 0
        prompt = app.prompt_window()
        assert wait_until(app.geometry.exists, 10)
        assert desk.find_windows(name=f"^{TITLE}$")    # the prompt came beside it
        desk.screenshot("welcome_and_a_prompt_1024x768.png")
        time.sleep(1.7)                       # past the prompt's input guard
        desk.xdotool("windowactivate", "--sync", prompt)
        desk.xdotool("key", "Escape")         # skipped
        assert wait_until(lambda: not desk.find_windows(name="· traybreak$"), 10)
        assert desk.find_windows(name=f"^{TITLE}$")

        desk.click_at(*centre(window, "preset=active"))
        reported(app.geometry, lambda r: r.get("preset") == "active")
        desk.click_at(*centre(window, "exercises.avoid=wrist"))
        chosen = reported(app.geometry, lambda r: r.get("avoid") == "wrist" and r["changed"])
        assert chosen["autostart"] is True
        time.sleep(0.2)
        desk.screenshot("welcome_chosen_1024x768.png")
        desk.click_at(*centre(window, "start"))
        saved = time.monotonic()
        assert wait_until(lambda: every(app) == "20m", 3.0, 0.05), every(app)
        assert time.monotonic() - saved < 3.0
        assert wait_until(lambda: not desk.find_windows(name=f"^{TITLE}$"), 5)

        config = load_config(home / "config" / "traybreak" / "config.toml")
        stretch, strengthen = config.rule("stretch"), config.rule("strengthen")
        assert stretch is not None and strengthen is not None
        assert (stretch.every, stretch.duration) == (timedelta(minutes=20), timedelta(minutes=1))
        assert (strengthen.every, strengthen.duration) == (timedelta(minutes=40),
                                                           timedelta(minutes=3))
        assert config.exercises.avoid == ("wrist",)
        login = list((home / "config" / "autostart").glob("*.desktop"))
        assert len(login) == 1 and "traybreak" in login[0].read_text()
        assert (home / "data" / "applications" / f"{APP_ID}.desktop").is_file()
        assert (home / "data" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()

        # A second start: no welcome.
        assert app.cli("quit").returncode == 0
        app.proc.wait(timeout=10)
        app.start()
        assert desk.wait_docked(desk.wait_for_window(classname=ICON, timeout=10), 2.0)
        assert wait_until(lambda: every(app) == "20m", 5, 0.1)
        time.sleep(3)
        assert not desk.find_windows(name=f"^{TITLE}$")
        desk.screenshot("welcome_not_again_1024x768.png")


def test_skip_changes_nothing_but_the_menu_entry(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "xdg" / "traybreak" / "config.toml"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "TRAYBREAK_CONFIG": str(config), "HOME": str(tmp_path)}
    window = open_window(wm_desktop, tmp_path, "welcome", "--first-run", "--window", env=env)
    window.click_at(*window.centre("preset=gentle"))
    window.click_at(*window.centre("exercises.avoid=back"))
    window.click_at(*window.centre("skip"))
    result = read_settings_result(window.proc.communicate(timeout=10)[0].decode())
    assert result == {"closed": True, "saved": False, "tray": "unchanged", "started": False}
    assert not config.exists() and not (tmp_path / "xdg" / "autostart").exists()
    assert (tmp_path / "data" / "applications" / f"{APP_ID}.desktop").is_file()


def test_opened_by_hand_it_shows_the_file_and_the_real_login(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "config.toml"
    mine = ('# mine\n[breaks.stretch]\nevery = "40m"\nduration = "30s"\n[breaks.strengthen]\n'
            'every = "90m"\nduration = "1m"\n[exercises]\navoid = ["knee"]\n')
    config.write_text(mine)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "TRAYBREAK_CONFIG": str(config)}
    window = open_window(wm_desktop, tmp_path, "welcome", env=env)
    layout = window.layout
    assert layout["preset"] == "gentle" and layout["avoid"] == "knee"
    assert layout["autostart"] is False                     # as it is: no login entry
    assert fits(layout, wm_desktop)
    window.click_at(*window.centre("preset=standard"))
    window.click_at(*window.centre("start"))
    result = read_settings_result(window.proc.communicate(timeout=10)[0].decode())
    assert result["saved"] is True and result["started"] is True
    text = config.read_text()
    assert text.startswith("# mine\n") and 'every = "25m"' in text and 'avoid = ["knee"]' in text
    assert not (tmp_path / "xdg" / "autostart").exists()
    assert not (tmp_path / "data" / "applications").exists()   # only a first run adds it


def test_a_condition_it_does_not_know_is_named_and_fixed_by_a_box(
        wm_desktop: Desktop, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    config = tmp_path / "config.toml"
    config.write_text('[exercises]\navoid = ["wirst"]   # my typo\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_RUNTIME_DIR": str(tmp_path / "run"),
           "TRAYBREAK_CONFIG": str(config)}
    window = open_window(wm_desktop, tmp_path, "welcome", env=env)
    assert window.layout["status"] == ('exercises.avoid: "wirst" is not a caution tag; did you '
                                       'mean "wrist"?')
    time.sleep(0.2)
    wm_desktop.screenshot("welcome_unknown_condition_1024x768.png")
    window.click_at(*window.centre("start"))                 # refused: the file stays
    time.sleep(0.3)
    assert window.proc.poll() is None and "wirst" in config.read_text()
    window.click_at(*window.centre("exercises.avoid=wrist"))
    assert reported(window.geometry, lambda r: r["avoid"] == "wrist")["status"].startswith(
        "You can change all of this later")
    wm_desktop.xdotool("key", "Return")     # Start; the box just clicked (focused) stays ticked
    assert read_settings_result(window.proc.communicate(timeout=10)[0].decode())["saved"]
    assert config.read_text() == '[exercises]\navoid = ["wrist"]   # my typo\n'
