"""Run a traybreak command with timestamps around each start-up step (for the start-up benches).

    TRAYBREAK_BENCH_TIMELINE=FILE python bench/step_probe.py run
    TRAYBREAK_BENCH_TIMELINE=FILE python bench/step_probe.py prompt EXERCISE_ID [OPTIONS]

Appends one JSON line ``[step, start, end]`` per step to FILE, times from time.monotonic()
(CLOCK_MONOTONIC: the same clock in every process, so a bench can subtract its spawn time).
Steps are found by name and wrapped in place; a name that no longer exists (the code moved) is
reported as ``[name, null, null]`` instead of failing, and the command runs as usual.

The modules a step lives in are imported up front (timed as one step) so they can be wrapped:
the import costs are all there, but some are paid earlier than in a plain start.
"""

from __future__ import annotations

import time

T0 = time.monotonic()  # first thing: the interpreter and site are up

import functools  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

_OUT = open(os.environ["TRAYBREAK_BENCH_TIMELINE"], "a", buffering=1)  # noqa: SIM115

# Per command: the modules imported up front (one timed step), then (step label, module,
# attribute path) to wrap where defined and wherever it was imported by name.
PLANS: dict[str, tuple[tuple[str, str], tuple[tuple[str, str, str], ...]]] = {
    "run": (("import traybreak.app.tray_app (the tray's imports)", "traybreak.app.tray_app"), (
        ("logging set-up", "traybreak.app.startup", "setup_logging"),
        ("instance lock", "traybreak.app.control_socket", "InstanceLock.acquire"),
        ("session + tray host check", "traybreak.app.startup", "check_session"),
        ("  which tray (SNI watcher, else XEmbed)", "traybreak.platform.tray.choice",
         "find_tray"),
        ("  StatusNotifier host on the session bus?", "traybreak.platform.tray.choice",
         "status_notifier_host"),
        ("  XEmbed tray host? (imports Xlib, X connection)", "traybreak.platform.tray.x11_host",
         "tray_host_present"),
        ("config load", "traybreak.config.settings", "load_or_defaults"),
        ("log database open", "traybreak.store.prompt_log", "Store.open"),
        ("exercise catalog load", "traybreak.catalog.load", "load_catalog"),
        ("tray view (imports pystray)", "traybreak.ui.tray.view", "TrayView.__init__"),
        ("idle source (X connection)", "traybreak.platform.idle.choose", "choose_idle_source"),
        ("control server set-up", "traybreak.app.control_socket", "ControlServer.__init__"),
        ("close dangling rows", "traybreak.store.prompt_log", "Store.close_dangling"),
        ("log event row", "traybreak.store.prompt_log", "Store.add_event"),
        ("App() total", "traybreak.app.tray_app", "App.__init__"),
        ("icon drawing (Pillow)", "traybreak.ui.tray.drawing", "draw_tray_icon"),
        ("menu build", "traybreak.ui.menu", "build_menu"),
        ("pystray Icon (X window)", "traybreak.ui.tray.icon", "create_icon"),
        ("control server start", "traybreak.app.control_socket", "ControlServer.start"),
    )),
    "prompt": (("import traybreak.ui.prompt.window (tkinter, window modules)",
                "traybreak.ui.prompt.window"), (
        ("monitor probe start (X connection)", "traybreak.ui.toolkit.screen",
         "MonitorProbe.__init__"),
        ("card: exercise catalog load", "traybreak.catalog.load", "load_catalog"),
        ("Tk() (Tcl/Tk start, X connection)", "tkinter", "Tk.__init__"),
        ("pointer monitor (waits for the monitor probe)", "traybreak.ui.toolkit.screen",
         "pointer_area"),
        ("Tk scaling from the DPI", "traybreak.ui.toolkit.screen", "apply_scaling"),
        ("font family lookup", "traybreak.ui.toolkit.screen", "fonts"),
        ("no-focus hint (own X connection)", "traybreak.ui.toolkit.screen",
         "ask_not_to_be_focused"),
        ("layout (widgets, fitting)", "traybreak.ui.prompt.window", "PromptWindow._layout"),
        ("window set-up + deiconify", "traybreak.ui.prompt.window",
         "PromptWindow._configure_window"),
        ("first <Map> event in the window", "traybreak.ui.prompt.window", "PromptWindow._mapped"),
    )),
}


def mark(step: str, start: float | None, end: float | None = None) -> None:
    """Write one timeline line."""
    _OUT.write(json.dumps([step, start, start if end is None else end]) + "\n")


def timed(step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` that records its start and end."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            mark(step, start, time.monotonic())

    return wrapper


def wrap(step: str, module: str, path: str) -> None:
    """Wrap ``module.path`` (a function, or Class.method) in place."""
    try:
        owner: Any = importlib.import_module(module)
        *parents, name = path.split(".")
        for part in parents:
            owner = getattr(owner, part)
        raw = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    except (ImportError, AttributeError, KeyError):
        mark(f"{step} (not found: {module}.{path})", None)
        return
    if isinstance(raw, classmethod):
        setattr(owner, name, classmethod(timed(step, raw.__func__)))
        return
    new = timed(step, raw)
    setattr(owner, name, new)
    if not isinstance(owner, type):   # rebind `from module import name` copies too
        for mod in list(sys.modules.values()):
            for key, value in list(vars(mod).items()):
                if value is raw:
                    setattr(mod, key, new)


def time_docking() -> None:
    """Mark the dock request; pystray is imported by the app, so patch once it has been."""
    from traybreak.ui.tray import icon as tray

    load = tray.load_pystray

    @functools.wraps(load)
    def load_and_patch() -> Any:
        pystray = load()
        xorg = sys.modules.get("pystray._xorg")
        if xorg is not None and not getattr(xorg.Icon, "_bench_timed", False):
            xorg.Icon._dock_window = timed("dock request sent", xorg.Icon._dock_window)
            xorg.Icon._bench_timed = True
        return pystray

    tray.load_pystray = load_and_patch  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in PLANS:
        raise SystemExit(f"usage: step_probe.py {{{'|'.join(PLANS)}}} [ARGS...]")
    mark("interpreter ready", T0)
    start = time.monotonic()
    import traybreak.cli as cli
    mark("import traybreak.cli", start, time.monotonic())
    if cli.tray_start_options(argv) is None:  # a tray start skips the parser, as in real life
        start = time.monotonic()
        parser = cli.build_parser()
        mark("argument parser (imports the command modules)", start, time.monotonic())
        cli.build_parser = lambda: parser  # type: ignore[assignment]  # built once
    (label, module), steps = PLANS[argv[0]]
    start = time.monotonic()
    importlib.import_module(module)
    mark(label, start, time.monotonic())
    for step in steps:
        wrap(*step)
    if argv[0] == "run":
        time_docking()
    return int(cli.main(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
