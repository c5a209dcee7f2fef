"""Fixes for pystray 0.19.5's GLib-based backends (appindicator, gtk), applied by ui/tray.py to
exactly the pinned version. Like the xorg fixes, each overrides one private method and has a
test that fails without it (tests/e2e/test_tray_appindicator.py).

Threading needs no fix here: every call that changes the icon, title or menu goes through
pystray's ``@mainloop`` (``GObject.idle_add``), so the engine thread may refresh the tray directly.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
from enum import StrEnum

log = logging.getLogger(__name__)


class GtkFix(StrEnum):
    """The fixes for pystray 0.19.5's appindicator and gtk backends."""

    KEEP_SIGINT = "keep-sigint"  # the loop reset Ctrl-C to SIG_DFL: the app died without `stop`
    QUIET_END = "quiet-end"      # no notification service: every quit logged an error traceback


ALL_GTK_FIXES: frozenset[GtkFix] = frozenset(GtkFix)


@functools.cache
def fixed_gtk_class(base: type, fixes: frozenset[GtkFix] = ALL_GTK_FIXES) -> type:
    """Subclass pystray's appindicator/gtk Icon, overriding only what ``fixes`` need."""

    class FixedGtkIcon(base):  # type: ignore[misc]
        """pystray 0.19.5 GLib-backend Icon with traybreak's fixes (``TRAYBREAK_FIXES``)."""

        TRAYBREAK_FIXES = fixes

        def _initialize(self) -> None:
            if GtkFix.KEEP_SIGINT not in fixes or not _on_main_thread():
                super()._initialize()
                return
            # Upstream sets SIGINT to SIG_DFL "to not inhibit Ctrl-C": the process is then
            # killed on the spot, without closing a prompt or logging `stop`. The app's own
            # handler already ends the loop cleanly, so put it back.
            handler = signal.getsignal(signal.SIGINT)
            super()._initialize()
            if handler is not None:
                signal.signal(signal.SIGINT, handler)

        def _finalize(self) -> None:
            if GtkFix.QUIET_END not in fixes:
                super()._finalize()
                return
            # Upstream closes its desktop notification at the end, unconditionally; without an
            # org.freedesktop.Notifications service (a bare session) that raises, and the loop
            # ended "with an error". The temporary icon file is removed before that call.
            try:
                super()._finalize()
            except Exception as err:  # GLib.GError; nothing is left to clean up after it
                log.debug("tray clean-up: %s", err)

    FixedGtkIcon.__qualname__ = FixedGtkIcon.__name__ = (
        "FixedGtkIcon[" + ",".join(sorted(fixes)) + "]"
    )
    return FixedGtkIcon


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()

