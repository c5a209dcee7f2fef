"""The tray process's composition root: wires config, log, catalog, engine, tray and control,
owns the threads (main: tray loop; engine, which also refreshes the tray; control) and the
clean end.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from traybreak import __version__, paths
from traybreak.app_actions import ActionSink
from traybreak.app_control import (
    BadRequest,
    break_kind,
    check,
    menu_request,
    pause_until,
    status_reply,
)
from traybreak.app_setup import check_session, setup_logging
from traybreak.catalog import load_catalog
from traybreak.config import Config, ConfigError, defaults_toml, load_config, load_or_defaults
from traybreak.control import ControlServer, InstanceLock, NotRunning, request
from traybreak.core import stats
from traybreak.core.model import AppEvent
from traybreak.core.stats import Counts
from traybreak.errors import ExitStatus
from traybreak.platform.autostart import AutostartState, for_this_os, launcher_argv
from traybreak.platform.idle import choose_idle_source
from traybreak.platform.opener import open_in_default_app
from traybreak.platform.xlib_lean import load_only_needed_extensions
from traybreak.scheduler import ClockScheduler
from traybreak.service import (
    BreakNow,
    EngineService,
    Pause,
    Reconfigure,
    Resume,
    SkipNext,
    engine_for,
    local_now,
)
from traybreak.store import Store
from traybreak.ui.panel_layout import panel_args, read_panel_result
from traybreak.ui.tray_view import TrayFacts, TrayView, facts_for
from traybreak.windows import window_argv

log = logging.getLogger(__name__)

# The tray refresh and config-file check ride on the engine's wakes, at least this often.
REFRESH_S = 60.0
PANEL_TIMEOUT_S = 30.0
#: Heads the tooltip (and the xorg panel) while the config file has problems.
SETTINGS_NOT_USED = "Settings file not used (traybreak config check)"


def run(config_override: str | None, debug: bool = False) -> int:
    """`traybreak run`: start the tray, or hand over to the one already running."""
    setup_logging(debug)
    runtime = paths.runtime_dir()
    lock = InstanceLock(runtime / "instance.lock")
    if not lock.acquire():
        return _hand_over(runtime)
    try:
        load_only_needed_extensions()  # before the first X connection: see platform/xlib_lean.py
        backend = check_session()
        return App(paths.config_file(config_override), runtime, backend).run()
    finally:
        lock.release()


def _hand_over(runtime: Path) -> int:
    try:
        reply = request(runtime, {"cmd": "show-panel"})
    except NotRunning as err:
        log.warning("another traybreak holds the lock but does not answer: %s", err)
        print("traybreak is already starting; try again in a moment")
        return ExitStatus.OK
    print(f"traybreak is already running (pid {reply.get('pid', '?')}); showing its menu")
    return ExitStatus.OK


class App:
    """One running tray app. ``run`` blocks on the main thread until Quit/SIGTERM/logout."""

    def __init__(self, config_path: Path, runtime: Path, backend: str,
                 refresh_s: float = REFRESH_S) -> None:
        self.config_path, self.runtime, self.backend = config_path, runtime, backend
        self.config, problems = load_or_defaults(config_path)
        self._config_problem: str | None = None  # the config problem the user was last told
        self._config_stamp = _stamp(config_path)
        self.store = Store.open(paths.log_db())
        self.catalog = load_catalog()
        for warning in self.catalog.warnings:
            log.warning("%s", warning)
        self.view = TrayView(self.command, self.open_panel)
        now = local_now()
        self.service = EngineService(
            engine_for(self.config), ClockScheduler(self.config.rules, now), choose_idle_source(),
            sink=self._sink_proxy, on_wake=self._on_engine_wake, wake_every=refresh_s)
        self.sink = ActionSink(self.store, self.catalog, self.config, self.service.submit,
                               self.view.notify, self.refresh, config_path)
        self.control = ControlServer(runtime, self.handle, self._refused)
        self._quitting = threading.Event()
        self._stop_reason = ""  # why the app ends: "quit", a signal's name; see _shutdown
        self._threads: list[threading.Thread] = []
        # Cached so the once-a-minute refresh reads no database and no autostart file at rest.
        self._today_cache: tuple[date, Counts] | None = None
        self._autostart_cache: bool | None = None
        closed = self.store.close_dangling(now.astimezone())
        self._event("start", f"version {__version__}, tray {backend}, idle "
                             f"{self.service.idle.name}, {closed} open rows closed")
        if problems:
            self._tell_config_problems(problems)

    def _sink_proxy(self, actions: Any) -> None:
        self._today_cache = None  # actions may have written log rows
        self.sink(actions)

    # --- lifecycle ------------------------------------------------------------------------

    def run(self) -> int:
        """Show the icon, start the threads, block until quit, then end cleanly."""
        self.view.create(self._facts())
        self.control.start()
        for sig in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                signal.signal(sig, self._on_signal)
        try:
            self.view.run(self._started)
        except Exception:  # the display went away (logout) or the backend failed
            log.exception("the tray loop ended with an error")
        finally:
            self._shutdown()
        return ExitStatus.OK

    def _started(self, icon: Any) -> None:
        if not icon.visible:
            icon.visible = True
        if self._quitting.is_set():  # a quit (or signal) came while the icon was starting
            self.view.stop()
            return
        thread = threading.Thread(target=self.service.run, name="engine", daemon=True)
        thread.start()
        self._threads.append(thread)
        log.info("traybreak %s running (pid %d)", __version__, os.getpid())

    def quit(self, reason: str = "quit") -> None:
        """End the app (any thread); ``reason`` goes into the log's stop event."""
        if not self._quitting.is_set():
            self._stop_reason = reason
        self._quitting.set()
        self.view.stop()

    def _on_signal(self, signum: int, _frame: object) -> None:
        # SIGTERM, Ctrl-C, SIGHUP (logout). The handler runs on the main thread, which is the
        # tray loop, maybe inside python-xlib holding its non-reentrant lock: stopping the icon
        # from here could deadlock (so could logging), so another thread does it.
        def quit_for_signal() -> None:
            name = signal.Signals(signum).name
            log.info("%s: quitting", name)
            self.quit(name)

        threading.Thread(target=quit_for_signal, name="quit", daemon=True).start()

    def _shutdown(self) -> None:
        self._quitting.set()
        self.sink.stopping.set()  # a window dying of the same cause (logout) is "stopped" too
        self.service.stop()
        for thread in self._threads:
            thread.join(timeout=1.5)
        self.sink.close_all()
        self.control.close()
        # No quit asked for: the tray loop ended by itself, i.e. the display went away (logout).
        self._event("stop", self._stop_reason or "the display closed")
        if any(thread.is_alive() for thread in self._threads):
            # Still writing its last rows (a stalled disk): closing would lose them.
            log.warning("the engine has not finished; the log is closed at exit")
        else:
            self.store.close()

    def _on_engine_wake(self) -> None:
        """After each engine wake (engine thread): pick up a changed config file, refresh."""
        if _stamp(self.config_path) != self._config_stamp:
            self.reload()
        self.refresh()

    # --- what the tray shows --------------------------------------------------------------

    def _today(self) -> Counts:
        now = local_now()
        cached = self._today_cache
        if cached is not None and cached[0] == now.date():
            return cached[1]
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        counts = stats.count(self.store.prompts(since=midnight))
        self._today_cache = (now.date(), counts)
        return counts

    def _facts(self) -> TrayFacts:
        today = self._today()
        clock_times = {r.name: r.at.strftime("%H:%M") for r in self.config.rules if r.at}
        facts = facts_for(self.service.status, today.done, today.skipped, clock_times,
                          self.sink.prompt_open, self._autostart_on(), local_now().date())
        if self._config_problem:  # the xorg tray has no notifications: the panel header says it
            facts = replace(facts, tooltip=f"{SETTINGS_NOT_USED} · {facts.tooltip}")
        return facts

    def refresh(self) -> None:
        """Bring icon, tooltip and menu up to date (cheap when nothing changed)."""
        if self._quitting.is_set():
            return  # the icon is going away, and the log may be closing under this thread
        self.view.refresh(self._facts())

    def _autostart_on(self) -> bool:
        if self._autostart_cache is None:
            try:
                self._autostart_cache = for_this_os().status().state is AutostartState.ENABLED
            except OSError:
                self._autostart_cache = False
        return self._autostart_cache

    # --- commands (menu, panel and shell) -------------------------------------------------

    def command(self, text: str) -> None:
        """A menu entry was chosen."""
        reply = self.handle(menu_request(text))
        if not reply.get("ok"):
            log.warning("menu command %r failed: %s", text, reply.get("error"))

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        """Carry out one request (control thread, menu callbacks); returns the reply."""
        try:
            cmd = check(req)
            now = local_now()
            if cmd == "status":
                return status_reply(self.service.status, self._today(), self.config.rules,
                                    self._paths_info())
            if cmd == "pause":
                until = pause_until(req, now, self.config.hours).until
                self.service.submit(Pause(until=until))
                self._event("pause", f"until {until.isoformat()}" if until else "until resumed")
            elif cmd == "resume":
                self.service.submit(Resume())
                self._event("resume")
            elif cmd == "skip-next":
                self.service.submit(SkipNext())
            elif cmd == "break-now":
                self.service.submit(BreakNow(break_kind(req, self.service.status)))
            elif cmd == "reload":
                return self.reload()
            elif cmd == "quit":
                threading.Thread(target=self.quit, daemon=True).start()
            else:
                self._menu_only(cmd)
            return {"ok": True, "pid": os.getpid()}
        except BadRequest as err:
            return {"ok": False, "error": str(err)}

    def _menu_only(self, cmd: str) -> None:
        if cmd == "show-panel":
            self.open_panel()
        elif cmd == "open-log":
            self._spawn_window("history", ["--window"])
        elif cmd == "about":
            self._spawn_window("about", ["--window"])
        elif cmd == "edit-settings":
            if not self.config_path.exists():  # an explicit user action may create the file
                self.config_path.parent.mkdir(parents=True, exist_ok=True)
                self.config_path.write_text(defaults_toml(), encoding="utf-8")
            open_in_default_app(self.config_path)
        elif cmd == "toggle-autostart":
            adapter = for_this_os()
            if adapter.status().state is AutostartState.ENABLED:
                adapter.disable()
            else:
                adapter.enable(launcher_argv())
            self._autostart_cache = None
            self.refresh()

    def reload(self) -> dict[str, Any]:
        """Re-read the config; an invalid file keeps the running config and says so once."""
        self._config_stamp = _stamp(self.config_path)
        try:
            config = load_config(self.config_path)
        except ConfigError as err:  # (not load_or_defaults: the running config stays)
            self._tell_config_problems(err.problems)
            return {"ok": False, "error": f"config not reloaded: {err.problems[0]}",
                    "problems": err.problems}
        self._config_problem = None
        self._apply(config)
        self._event("config_reloaded", str(self.config_path))
        return {"ok": True, "pid": os.getpid()}

    def _apply(self, config: Config) -> None:
        self.config = config
        self.sink.config = config
        self.service.submit(Reconfigure(config))
        self.refresh()

    def _tell_config_problems(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message = f"settings not used: {problems[0]}{more}; run `traybreak config check`"
        if message == self._config_problem:
            return  # told already (the same bad file saved again, or `reload` run again)
        self._config_problem = message
        log.warning("%s", message)
        self._event("config_error", message)
        self.view.notify(message)  # where there are notifications; the tooltip says it too
        self.refresh()

    # --- windows ----------------------------------------------------------------------------

    def open_panel(self) -> None:
        """Show the menu as a small window at the pointer (backends without a native menu)."""
        header = self.view.tooltip()
        argv = window_argv("panel", panel_args(self.view.menu_entries(), header=header,
                                               timeout_s=PANEL_TIMEOUT_S))
        threading.Thread(target=self._run_panel, args=(argv,), daemon=True).start()

    def _run_panel(self, argv: list[str]) -> None:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, check=False,
                                  timeout=PANEL_TIMEOUT_S + 10, stdin=subprocess.DEVNULL)
            chosen = read_panel_result(done.stdout)
        except (subprocess.TimeoutExpired, ValueError, OSError) as err:
            log.warning("menu window failed: %s", err)
            return
        if chosen:
            self.command(chosen)

    def _spawn_window(self, command: str, args: list[str]) -> None:
        subprocess.Popen(window_argv(command, args), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, start_new_session=True)

    # --- small things -----------------------------------------------------------------------

    def _event(self, name: str, detail: str = "") -> None:
        try:
            self.store.add_event(AppEvent(local_now(), name, detail))
        except Exception:  # the log is precious but never worth crashing the tray for
            log.exception("could not record the %s event", name)

    def _refused(self, why: str) -> None:
        log.warning("control: refused: %s", why)
        self._event("control_refused", why)

    def _paths_info(self) -> dict[str, Any]:
        return {"config": str(self.config_path), "log": str(self.store.path),
                "tray": self.backend, "idle": self.service.idle.name}


def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime, info.st_size)

