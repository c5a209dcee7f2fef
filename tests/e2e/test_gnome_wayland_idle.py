"""GNOME Shell 43 (mutter 43.8) offers no Wayland idle-notification protocol: the Wayland idle
source (platform/idle/wayland.py) says so in one line, and GNOME's idle time comes from Mutter's
D-Bus IdleMonitor, which the chooser asks first. Checked on the real compositor's registry."""

from __future__ import annotations

import logging

import pytest
from e2e.wayland_session import WaylandSession

from traybreak.platform.idle.choose import choose_idle_source
from traybreak.platform.idle.null import NullIdleSource
from traybreak.platform.idle.wayland import probe
from traybreak.platform.wayland_wire import Connection

pytestmark = [pytest.mark.e2e]


def test_mutter_offers_no_idle_notifier_and_the_probe_says_so(
        gnome: WaylandSession, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "traybreak.platform.idle")
    conn = Connection.connect(gnome.full_env())
    try:
        offered = {g.interface for g in conn.get_registry().values()}
    finally:
        conn.close()
    assert "wl_seat" in offered and "xdg_wm_base" in offered  # a real registry was read
    assert not offered & {"ext_idle_notifier_v1", "org_kde_kwin_idle"}, offered

    assert probe(gnome.full_env()) is None
    # Without Mutter on the bus the Wayland source is all a Wayland session has: unknown.
    source = choose_idle_source(env=gnome.full_env(), platform="linux", names=frozenset())
    assert isinstance(source, NullIdleSource)
    assert source.reason == "no idle source answered (tried wayland_idle)"
    # With it (the real session bus), Mutter comes first and the Wayland source is not asked.
    real = choose_idle_source(env=gnome.full_env(), platform="linux")
    try:
        assert real.name.startswith("gnome"), real.name
    finally:
        real.close()
    said = [r.getMessage() for r in caplog.records if r.name.endswith("idle.wayland")]
    assert said == ["Wayland idle source unavailable: the compositor offers neither "
                    "ext_idle_notifier_v1 nor org_kde_kwin_idle"] * 2
    assert all(r.exc_info is None for r in caplog.records)
