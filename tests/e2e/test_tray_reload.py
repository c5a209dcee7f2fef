"""`traybreak reload` against the running tray on Xvfb + openbox + trayer: an edit takes effect
without a restart; an invalid edit keeps the running config, is refused in one line, logged once,
and shown where an xorg tray can show it (no notifications there): at the head of the tooltip,
which the click panel uses as its header. The periodic file check is tested in-process, fast, in
tests/app/test_tray_app_reload.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.test_tray_app import TrayApp, app_on_a_desktop
from e2e.xdesktop import Desktop, wait_until

from traybreak.app.tray_facts import SETTINGS_NOT_USED

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TrayApp]:
    with app_on_a_desktop(tmp_path) as tray_app:
        yield tray_app


def every(app: TrayApp) -> str:
    rules = json.loads(app.cli("status", "--json").stdout)["rules"]
    return str(rules[0]["every"])


def tooltip(desk: Desktop, icon: int) -> str:
    """The icon window's name, which is its tooltip on the xorg backend."""
    name = desk.x().create_resource_object("window", icon).get_wm_name()
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def events(app: TrayApp, name: str) -> list[str]:
    return [line for line in app.events().splitlines() if f"  {name}  " in line]


def test_reload_applies_an_edit_and_refuses_a_bad_one(app: TrayApp) -> None:
    desk = app.desk
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=5)
    config = app.home / "config" / "traybreak" / "config.toml"
    good = config.read_text()
    assert wait_until(lambda: every(app) == "20s", 5, 0.1)

    # (The app's own once-a-minute check may see an edit first: then both reload it.)
    config.write_text(good.replace('every = "20s"', 'every = "45s"'))
    done = app.cli("reload")
    assert (done.returncode, done.stdout.strip()) == (0, "config reloaded")
    assert wait_until(lambda: every(app) == "45s", 5, 0.1), every(app)
    reloads = len(events(app, "config_reloaded"))
    assert reloads >= 1

    config.write_text(good.replace('every = "20s"', 'every = "soon"'))
    for _ in range(2):  # asked twice: refused twice, logged and shown once
        done = app.cli("reload")
        assert done.returncode != 0
        assert done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("traybreak: config not reloaded: ")
        assert '"soon" is not a duration' in done.stderr
    assert every(app) == "45s"  # the running config stays
    assert len(events(app, "config_error")) == 1
    assert wait_until(lambda: tooltip(desk, icon).startswith(SETTINGS_NOT_USED), 2), \
        tooltip(desk, icon)

    config.write_text(good.replace('every = "20s"', 'every = "30s"'))
    assert app.cli("reload").returncode == 0
    assert wait_until(lambda: every(app) == "30s", 5, 0.1)
    assert wait_until(lambda: not tooltip(desk, icon).startswith(SETTINGS_NOT_USED), 2)
    assert len(events(app, "config_reloaded")) > reloads
