"""Idle time (time since the last keyboard or mouse input): the interface and the chooser.

Each desktop API lives in its own module exposing ``probe(env) -> IdleSource | None``; the chooser
imports only the modules that fit this OS and session, when called (never at import time).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol, runtime_checkable

from traybreak.platform.null_idle import NullIdleSource

log = logging.getLogger(__name__)


@runtime_checkable
class IdleSource(Protocol):
    """Reports time since the last user input. Used from one thread (the engine's)."""

    name: str

    def idle(self) -> timedelta | None:
        """Time since the last input, or None when unknown. Cheap: one round trip at most."""
        ...

    def close(self) -> None:
        """Release the connection to the desktop. Safe to call twice."""
        ...


def candidate_modules(platform: str, env: Mapping[str, str]) -> tuple[str, ...]:
    """Modules under ``traybreak.platform`` worth probing, best first, for this OS and session.

    Future sources slot in here, one module each: ``gnome_idle`` / ``kde_idle`` (D-Bus) for
    Wayland sessions, ``win32_idle`` (GetLastInputInfo) and ``macos_idle`` (CGEventSource).
    """
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        if is_wayland_session(env):
            # Under XWayland the X11 counter only sees input to X windows: it would report a
            # typing user as idle and fake natural breaks. Unknown (counted as active) is safer.
            return ()
        if env.get("DISPLAY"):
            return ("x11_idle",)
    return ()


def is_wayland_session(env: Mapping[str, str]) -> bool:
    """True when the session is Wayland (X11 clients, if any, run under XWayland)."""
    return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"


def choose_idle_source(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> IdleSource:
    """Return the first idle source that works here, else a null source saying why it is unknown."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    tried: list[str] = []
    for module_name in candidate_modules(platform, env):
        try:
            module = importlib.import_module(f"traybreak.platform.{module_name}")
            source: IdleSource | None = module.probe(env)
        except Exception:  # a broken optional backend must never stop the app
            log.warning("idle source %s failed to start", module_name, exc_info=True)
            source = None
        if source is not None:
            log.info("idle source: %s", source.name)
            return source
        tried.append(module_name)
    reason = (
        f"no idle source answered (tried {', '.join(tried)})"
        if tried
        else f"no idle source for this session (platform {platform}"
        + (", Wayland)" if is_wayland_session(env) else ")")
    )
    log.info("idle time unknown: %s", reason)
    return NullIdleSource(reason)
