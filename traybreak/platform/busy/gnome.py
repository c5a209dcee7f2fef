"""GNOME's do-not-disturb: the GSettings key org.gnome.desktop.notifications show-banners
(false = do not disturb), for the engine thread.

No GLib in the tray process: the value is read with ``gsettings get`` (at start, and again only
when dconf's writer announces a change under /org/gnome/desktop/notifications/ with its
``ca.desrt.dconf.Writer.Notify`` signal, which waits in the bus socket until the next sample).
A GVDB reader of ~/.config/dconf/user would save the subprocess, but it would have to follow
dconf's profiles, system databases and locks; gsettings does, and it runs a few times a day.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Mapping

from traybreak.core.model import Reason
from traybreak.platform.busy.dbus_link import CALL_TIMEOUT_S, BusLink, LinkDown, is_signal

log = logging.getLogger(__name__)

SCHEMA, KEY = "org.gnome.desktop.notifications", "show-banners"
DCONF_DIR = "/org/gnome/desktop/notifications/"
WRITER = "ca.desrt.dconf.Writer"
SHELL = "org.gnome.Shell"


def read_show_banners(env: Mapping[str, str] | None = None,
                      run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
                      ) -> bool | None:
    """show-banners now (``gsettings get``), or None when it cannot be read in time or the
    answer is not a boolean."""
    try:
        done = run(["gsettings", "get", SCHEMA, KEY], capture_output=True, text=True,
                   timeout=CALL_TIMEOUT_S, env=None if env is None else dict(env))
    except (OSError, subprocess.SubprocessError) as err:
        log.debug("gsettings get %s %s failed: %s", SCHEMA, KEY, err)
        return None
    answer = done.stdout.strip() if done.returncode == 0 else ""
    return {"true": True, "false": False}.get(answer)


def notify_rule() -> object:
    """The match rule for dconf's change signal about the notification settings."""
    from jeepney import MatchRule

    rule = MatchRule(type="signal", interface=WRITER, member="Notify")
    rule.add_arg_condition(0, DCONF_DIR, kind="path")   # the key, its folder, or a parent
    return rule


class GnomeBanners:
    """Do-not-disturb from show-banners; ``read`` runs gsettings, ``link`` carries dconf's
    change signals."""

    name = "gnome-banners"

    def __init__(self, link: BusLink, read: Callable[[], bool | None]) -> None:
        self.link, self._read = link, read
        self._banners: bool | None = None

    def busy(self) -> frozenset[Reason] | None:
        """DND while show-banners is false; None when it cannot be read."""
        try:
            messages = self.link.drain()
        except LinkDown as err:
            log.debug("dconf change signals unavailable: %s", err)
            self._banners = None   # changes may be missed meanwhile: read again once back
            return None
        changed = any(is_signal(m, WRITER, "Notify") for m in messages)
        if changed or self.link.fresh or self._banners is None:
            self.link.fresh = False
            self._banners = self._read()
        if self._banners is None:
            return None
        return frozenset() if self._banners else frozenset({Reason.DND})

    def close(self) -> None:
        """Close the bus connection."""
        self.link.close()


def probe(env: Mapping[str, str], address: str) -> GnomeBanners | None:
    """A source when GNOME Shell owns its name on the bus at ``address`` and gsettings answers."""
    from jeepney.bus_messages import message_bus

    link = BusLink(address, [notify_rule()])
    try:
        shell = link.call(message_bus.NameHasOwner(SHELL)).body
    except LinkDown as err:
        log.info("GNOME do-not-disturb unavailable: %s", err)
        return None
    if shell != (True,):
        link.close()
        return None
    source = GnomeBanners(link, lambda: read_show_banners(env))
    if source.busy() is None:
        log.info("GNOME do-not-disturb unavailable: gsettings cannot read %s %s", SCHEMA, KEY)
        source.close()
        return None
    return source
