"""The tray's click menu (the panel) in the whole app on Xvfb + openbox + trayer: a prompt that
falls due while the menu is open closes the menu, so no stale menu stays above the prompt holding
the pointer and keyboard.
"""

from __future__ import annotations

import pytest
from e2e.test_tray_app import TrayApp, app  # noqa: F401 - a fixture
from e2e.xdesktop import wait_until

from traybreak.ui.panel.layout import PANEL_TITLE

pytestmark = [pytest.mark.e2e]


def test_a_prompt_closes_the_open_menu(app: TrayApp) -> None:  # noqa: F811 - the fixture
    desk = app.desk
    icon = desk.wait_for_window(classname="^traybreakSystemTrayIcon$", timeout=5)
    assert desk.wait_docked(icon, 2.0)
    stop_work = desk.simulate_work(every_s=1.0)   # the pointer moves away from the menu
    try:
        desk.click(icon)
        menu = desk.wait_for_window(name=f"^{PANEL_TITLE}$", timeout=10)
        assert wait_until(lambda: desk.is_viewable(menu), 5)
        # (not app.wait_prompt: the menu writes the same geometry file)
        assert desk.wait_for_window(name="· traybreak$", timeout=40)  # stretch every 20 s
        assert wait_until(lambda: not desk.find_windows(name=f"^{PANEL_TITLE}$"), 3), \
            "the menu stayed open above the prompt"
        desk.screenshot("tray_menu_closed_by_prompt.png")
    finally:
        stop_work()
