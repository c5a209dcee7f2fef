"""The tray process's composition root: wires config, log, catalog, engine, tray and control,
owns the threads (main: tray loop; engine, which also refreshes the tray; control) and the
clean end. Its side effects come in one Environment (app/environment.py).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from traybreak import __version__, paths
from traybreak.app.action_sink import ActionSink
from traybreak.app.clock_jobs import ClockScheduler
from traybreak.app.config_file import ConfigFile
from traybreak.app.control_socket import ControlServer
from traybreak.app.engine_thread import (
    BreakNow,
    EngineService,
    Pause,
    Reconfigure,
    Resume,
    SkipNext,
    engine_for,
)
from traybreak.app.environment import Environment
from traybreak.app.first_run import record_welcome
from traybreak.app.log_writer import LogWriter
from traybreak.app.notices import Notices
from traybreak.app.requests import (
    BadRequest,
    autostart_wanted,
    break_kind,
    check,
    menu_request,
    pause_until,
    status_reply,
)
from traybreak.app.tray_facts import TrayFactsSource
from traybreak.catalog.load import load_catalog
from traybreak.config.settings import Config, ConfigError, load_or_defaults
from traybreak.core.actions import Action, Record
from traybreak.core.model import AppEvent
from traybreak.core.skips import SkipCounter
from traybreak.errors import ExitStatus
from traybreak.platform.autostart.base import AutostartRefused
from traybreak.platform.memory import give_back_freed_memory
from traybreak.store.prompt_log import Store
from traybreak.ui.protocol import settings_args
from traybreak.ui.tray.view import TrayFacts

log = logging.getLogger(__name__)

# The tray refresh and config-file check ride on the engine's wakes; where the platform cannot
# watch the config file, the engine wakes at least this often while a countdown runs.
REFRESH_S = 60.0
#: The engine wake after which the tray has settled (icon shown, first refresh done): the C heap
#: pages start-up freed are handed back to the OS then (platform/memory.py).
SETTLED_AFTER_WAKES = 2


class App:
    """One running tray app. ``run`` blocks on the main thread until Quit/SIGTERM/logout."""

    def __init__(self, config_path: Path, runtime: Path, backend: str, env: Environment,
                 refresh_s: float = REFRESH_S, welcome: bool = False) -> None:
        self.config_path, self.runtime, self.backend, self.env = config_path, runtime, backend, env
        self.welcome = welcome  # a first run (app/first_run.py): open the welcome window
        self.config, problems = load_or_defaults(config_path)
        self.config_file = ConfigFile(config_path)
        self.store = Store.open(paths.log_db())
        self._quitting = threading.Event()
        # Rows the log refuses (a full disk) wait there; the tray says so while they do.
        self.log_writer = LogWriter(self.store, env.clocks.wall, on_problem=self.refresh)
        self.catalog = load_catalog()
        for warning in self.catalog.warnings:
            log.warning("%s", warning)
        self.view = env.tray_view(self.command, self.open_panel, self._menu_opening)
        now = env.clocks.wall()
        # Rows a crash left open end ignored/crashed first, so that today's counts include them.
        closed = self.store.close_dangling(now.astimezone())
        # Today's prompts so far, read once: the engine counts the skips from here on, the
        # tray's facts the outcomes.
        today = self.store.prompts(since=now.replace(hour=0, minute=0, second=0, microsecond=0))
        self.service = EngineService(
            engine_for(self.config, SkipCounter.from_log(today, now.date())),
            ClockScheduler(self.config.rules, now), env.idle_source(),
            sink=self._sink_proxy, clocks=env.clocks, on_wake=self._on_engine_wake,
            busy=env.busy_sources())
        self.notices = Notices(env.desktop_notices(), env.launcher, self.view.icon_window)
        self.sink = ActionSink(self.store, self.catalog, self.config, self.service.submit,
                               self.notices.show, self.refresh, env.launcher, config_path,
                               writer=self.log_writer)
        self.tray_facts = TrayFactsSource(today, env.autostart, env.clocks.wall)
        self.control = ControlServer(runtime, self.handle, self._refused)
        # A saved config file wakes the engine, whose after-wake check reloads it at once.
        self._watch = env.file_watch(config_path, self.service.wake)
        # Nothing the tray shows changes by the minute (a countdown reads as the clock time it
        # ends, ui/tray/view.py), so only where no watch tells of a saved file (Windows,
        # macOS) does the engine wake every ``refresh_s`` for the after-wake file check.
        self.service.wake_every = None if self._watch.active else refresh_s
        self._stop_reason = ""  # why the app ends: "quit", a signal's name; see _shutdown
        self._threads: list[threading.Thread] = []
        self._event("start", f"version {__version__}, tray {backend}, idle "
                             f"{self.service.idle.name}, busy {self.service.busy.name}, "
                             f"{closed} open rows closed")
        if problems:
            self._tell_config_problems(problems)

    def _sink_proxy(self, actions: Sequence[Action]) -> None:
        for action in actions:  # today's counts go on from each final row
            if isinstance(action, Record):
                self.tray_facts.recorded(action.record)
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
        if self.welcome:
            self._open_welcome()
        log.info("traybreak %s running (pid %d): tray %s, idle %s, log %s, messages in %s",
                 __version__, os.getpid(), self.backend, self.service.idle.name, self.store.path,
                 paths.app_log_dir(), extra={"terminal": True})  # on the terminal too

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
        self._watch.close()
        self.notices.close()
        try:
            self.service.idle.close()   # its bus connections, the lock watch's thread
        except Exception:  # ending anyway; a connection already gone is no news
            log.debug("closing the idle source failed", exc_info=True)
        # No quit asked for: the tray loop ended by itself, i.e. the display went away (logout).
        self._event("stop", self._stop_reason or "the display closed")
        self.log_writer.give_up()  # rows the log still refuses: told, one error line each
        if any(thread.is_alive() for thread in self._threads):
            # Still writing its last rows (a stalled disk): closing would lose them.
            log.warning("the engine has not finished; the log is closed at exit")
        else:
            self.service.busy.close()   # the engine thread's own connections, now unused
            self.store.close()

    def _on_engine_wake(self) -> None:
        """After each engine wake (engine thread): write rows the log refused before, pick up
        a changed config file, refresh."""
        self.log_writer.retry()
        if self.config_file.changed():
            self.reload()
        self.refresh()
        if self.service.wakes == SETTLED_AFTER_WAKES:  # start-up's garbage is gone by now
            give_back_freed_memory()

    # --- what the tray shows --------------------------------------------------------------

    def _facts(self) -> TrayFacts:
        return self.tray_facts.facts(self.service.status, self.config.rules, self.sink.prompt_open,
                                     self.config_file.problem, self.log_writer.problem)

    def refresh(self) -> None:
        """Bring icon, tooltip and menu up to date (cheap when nothing changed)."""
        if self._quitting.is_set():
            return  # the icon is going away, and the log may be closing under this thread
        self.view.refresh(self._facts())

    # --- commands (menu, panel and shell) -------------------------------------------------

    def command(self, text: str) -> None:
        """A menu entry was chosen."""
        reply = self.handle(menu_request(text))
        if not reply.get("ok"):
            log.warning("menu command %r failed: %s", text, reply.get("error"))

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        """Carry out one request (control thread, menu callbacks); returns the reply, which
        says so (``log_problem``) while the log cannot be written."""
        reply = self._carry_out(req)
        if self.log_writer.problem:  # the command worked, but its rows wait in memory
            reply.update(log_problem=self.log_writer.problem, log_waiting=self.log_writer.waiting)
        return reply

    def _carry_out(self, req: dict[str, Any]) -> dict[str, Any]:
        try:
            cmd = check(req)
            now = self.env.clocks.wall()
            if cmd == "status":
                return status_reply(self.service.status, self.tray_facts.today(), self.config.rules,
                                    self._paths_info())
            if cmd == "pause":  # the reply has the end: "--until 14:30" at 15:03 is tomorrow
                until = pause_until(req, now, self.config.hours).until
                self.service.submit(Pause(until=until))
                self._event("pause", f"until {until.isoformat()}" if until else "until resumed")
                return {"ok": True, "pid": os.getpid(), "until": until and until.isoformat()}
            if cmd == "resume":
                paused = bool(self.service.status and self.service.status.paused)
                if paused:  # else there is nothing to resume: no command, no event
                    self.service.submit(Resume())
                    self._event("resume")
                return {"ok": True, "pid": os.getpid(), "paused": paused}
            if cmd == "skip-next":
                self.service.submit(SkipNext())
            elif cmd == "break-now":
                self.service.submit(BreakNow(break_kind(req, self.service.status)))
            elif cmd == "reload":
                if req.get("if_changed") is True and not self.config_file.changed():
                    return {"ok": True, "pid": os.getpid(), "reloaded": False}
                return self.reload()
            elif cmd == "quit":
                threading.Thread(target=self.quit, daemon=True).start()
            else:
                self._menu_only(cmd, req)
            return {"ok": True, "pid": os.getpid()}
        except (BadRequest, AutostartRefused) as err:  # a menu click's is logged (command())
            return {"ok": False, "error": str(err)}

    def _menu_only(self, cmd: str, req: dict[str, Any]) -> None:
        if cmd == "show-panel":
            self.open_panel()
        elif cmd == "open-history":
            self.env.launcher.window("history")
        elif cmd == "about":
            self.env.launcher.window("about")
        elif cmd == "open-settings":
            self.env.launcher.window("settings", settings_args(self.config_path))
        elif cmd == "edit-settings":  # off the caller's thread: the opener waits a moment
            threading.Thread(target=self._edit_settings, daemon=True).start()
        elif cmd == "autostart":
            self.tray_facts.set_autostart(autostart_wanted(req))
            self.refresh()

    def _open_welcome(self) -> None:
        """The welcome window, once (recorded first): the tray runs on without waiting for it,
        and picks up what it saves as it does the settings window's."""
        self.welcome = False
        record_welcome(paths.welcome_marker())
        try:
            self.env.launcher.window("welcome", ["--first-run", *settings_args(self.config_path)])
        except OSError as err:
            log.warning("the welcome window did not open: %s", err)

    def _edit_settings(self) -> None:
        """Open the settings file; with none yet (the tray never writes it) or no program to
        open it, a window says where it is."""
        if self.config_path.exists() and self.env.open_file(self.config_path):
            return
        self.env.launcher.window("config", ["path", "--config", str(self.config_path)])

    def reload(self) -> dict[str, Any]:
        """Re-read the config; an invalid file keeps the running config and says so once."""
        try:
            config = self.config_file.read()
        except ConfigError as err:  # (not load_or_defaults: the running config stays)
            self._tell_config_problems(err.problems)
            return {"ok": False, "error": f"config not reloaded: {err.problems[0]}",
                    "problems": err.problems}
        self._apply(config)
        self._event("config_reloaded", str(self.config_path))
        return {"ok": True, "pid": os.getpid(), "reloaded": True}

    def _apply(self, config: Config) -> None:
        self.config = config
        self.sink.config = config
        self.service.submit(Reconfigure(config))
        self.refresh()

    def _tell_config_problems(self, problems: list[str]) -> None:
        message = self.config_file.news(problems)
        if message is None:
            return  # told already
        log.warning("%s", message)
        self._event("config_error", message)
        self.view.notify(message)  # where there are notifications; the tooltip says it too
        self.refresh()

    # --- windows ----------------------------------------------------------------------------

    def open_panel(self) -> None:
        """Show the menu as a small window at the pointer (backends without a native menu)."""
        threading.Thread(target=self._run_panel, daemon=True).start()

    def _menu_opening(self) -> None:
        """A native menu is about to open: show the real start-at-login state in it."""
        self.tray_facts.recheck_autostart()
        self.refresh()

    def _run_panel(self) -> None:
        # Off the icon's loop: the facts are brought up to date first (a shell command may have
        # changed start at login), so the menu opens showing the real state.
        self.tray_facts.recheck_autostart()
        self.refresh()
        chosen = self.env.launcher.panel(self.view.menu_entries(), self.view.tooltip())
        if chosen:
            self.command(chosen)

    # --- small things -----------------------------------------------------------------------

    def _event(self, name: str, detail: str = "") -> None:
        try:
            self.log_writer.event(AppEvent(self.env.clocks.wall(), name, detail))
        except Exception:  # the log is precious but never worth crashing the tray for
            log.exception("could not record the %s event", name)

    def _refused(self, why: str) -> None:
        log.warning("control: refused: %s", why)
        self._event("control_refused", why)

    def _paths_info(self) -> dict[str, Any]:
        return {"config": str(self.config_path), "log": str(self.store.path),
                "tray": self.backend, "idle": self.service.idle.name,
                "busy": self.service.busy.name}
