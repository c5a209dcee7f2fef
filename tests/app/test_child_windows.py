"""The tray side of window processes: the request's argv, the result line, and a child that
answers, crashes, hangs, prints garbage or is killed (real child processes, no display needed)."""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from traybreak.app.child_windows import ChildLauncher, WindowProcess, launch_prompt, window_argv
from traybreak.cli import build_parser
from traybreak.cli.prompt_cmd import request_from_args
from traybreak.core.model import Feedback, Outcome, PromptPolicy, Reason
from traybreak.ui.menu import MenuFacts, build_menu
from traybreak.ui.protocol import FEEDBACK_WAIT, PromptRequest, PromptResult, parse_result


def _child(code: str, deadline: float = 10.0, occurrence: int | None = 7) -> WindowProcess:
    return WindowProcess([sys.executable, "-c", code], deadline, occurrence=occurrence)


@pytest.mark.parametrize("request_", [
    PromptRequest(exercise_id="chin_tuck"),
    PromptRequest(exercise_id="glute_bridge", timeout=timedelta(minutes=3),
                  snooze=timedelta(minutes=10), snoozes_left=0, snoozed=2, skips_left=1,
                  strict=timedelta(seconds=20), guard_ms=250, duration=timedelta(seconds=45),
                  mirror=True, occurrence=42, sound_volume=35),
    PromptRequest(message="Drink some water", title="Water", skips_left=0, sound_volume=0),
    PromptRequest(message="-- look away: 20 s --", title="-eyes-"),
    PromptRequest(exercise_id="wall_angel", level=2, levels=3, feedback=timedelta(seconds=8)),
])
def test_request_round_trips_through_the_cli(request_: PromptRequest) -> None:
    args = build_parser().parse_args(["prompt", *request_.argv()])
    # a policy that differs from every request field proves nothing comes from it
    policy = PromptPolicy(timeout=timedelta(hours=1), snooze=timedelta(hours=1), max_snoozes=9,
                          strict=timedelta(hours=1), daily_skips=None, sound=True, volume=99)
    assert request_from_args(args, policy) == request_


def test_cli_fills_unset_options_from_the_policy() -> None:
    args = build_parser().parse_args(["prompt", "chin_tuck"])
    policy = PromptPolicy(timeout=timedelta(minutes=4), max_snoozes=1, daily_skips=3)
    req = request_from_args(args, policy)
    assert (req.timeout, req.snoozes_left, req.skips_left) == (timedelta(minutes=4), 1, 3)
    assert req.sound_volume is None                                      # sound is off by default
    loud = request_from_args(args, PromptPolicy(sound=True, volume=40))
    assert loud.sound_volume == 40


@pytest.mark.parametrize("given", ["101", "-1", "loud", "50%"])
def test_a_bad_sound_volume_is_a_usage_error(given: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["prompt", "chin_tuck", "--sound", given])
    assert "expected a volume from 0 to 100 or 'off'" in capsys.readouterr().err


def test_effective_timeout_is_the_timeout_after_the_breaks_length() -> None:
    """The engine's rule (docs/engine.md): ``timeout`` after the break's length has run."""
    req = PromptRequest(timeout=timedelta(minutes=2))
    assert req.effective_timeout() == timedelta(minutes=2)
    assert req.effective_timeout(timedelta(seconds=60)) == timedelta(minutes=3)
    assert req.effective_timeout(timedelta(minutes=3)) == timedelta(minutes=5)
    short = PromptRequest(timeout=timedelta(seconds=40), duration=timedelta(seconds=60))
    assert short.effective_timeout() == timedelta(seconds=100)  # #15: it stayed 90 s
    assert short.effective_timeout(timedelta(seconds=75)) == timedelta(seconds=100)


def test_result_json_round_trip() -> None:
    result = PromptResult(Outcome.SNOOZED, 12.3456, None, None, 5, {"snooze_s": 300})
    line = result.to_json()
    assert "\n" not in line
    back = parse_result("some log noise\n" + line + "\n")
    assert back == PromptResult(Outcome.SNOOZED, 12.346, None, None, 5, {"snooze_s": 300})


def test_the_feedback_after_done_round_trips_and_an_unknown_word_is_left_out() -> None:
    result = PromptResult(Outcome.DONE, 20.0, occurrence=5, feedback=Feedback.HURTS)
    assert '"feedback": "hurts"' in result.to_json()
    assert parse_result(result.to_json()) == result
    odd = parse_result('{"outcome": "done", "elapsed_s": 1, "feedback": "meh"}')
    assert (odd.outcome, odd.feedback, dict(odd.extra)) == (Outcome.DONE, None, {})
    skipped = parse_result('{"outcome": "skipped", "elapsed_s": 1, "feedback": "hurts"}')
    assert skipped.feedback is None  # only a done carries feedback


def test_the_feedback_row_is_offered_by_default_only_when_the_answer_is_logged() -> None:
    policy = PromptPolicy()
    plain = request_from_args(build_parser().parse_args(["prompt", "chin_tuck"]), policy)
    logged = request_from_args(build_parser().parse_args(["prompt", "chin_tuck", "--log"]),
                               policy)
    assert (plain.feedback, logged.feedback) == (timedelta(0), FEEDBACK_WAIT)


@pytest.mark.parametrize(("text", "problem"), [
    ("", "printed nothing"),
    ("hello\n", "not JSON"),
    ("[1, 2]", "not an object"),
    ('{"outcome": "natural", "elapsed_s": 1}', "unknown outcome"),
    ('{"outcome": "done"}', "bad elapsed_s"),
    ('{"outcome": "done", "elapsed_s": -1}', "bad elapsed_s"),
    ('{"outcome": "done", "elapsed_s": true}', "bad elapsed_s"),
    ('{"outcome": "ignored", "elapsed_s": 1, "reason": "bored"}', "unknown reason"),
])
def test_parse_result_rejects_garbage(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_result(text)


def test_a_good_answer_is_returned() -> None:
    proc = _child('print(\'{"outcome": "done", "elapsed_s": 3.5, "via": "key"}\')')
    result = proc.wait(5)
    assert result == PromptResult(Outcome.DONE, 3.5, None, None, 7, {"via": "key"})
    assert proc.poll() is result


def test_garbage_is_ignored_crashed() -> None:
    result = _child("print('Traceback? no: just text')").wait(5)
    assert result is not None
    assert (result.outcome, result.reason) == (Outcome.IGNORED, Reason.CRASHED)
    assert "not JSON" in (result.detail or "")


def test_a_crash_is_ignored_crashed_with_its_last_error_line() -> None:
    result = _child("import sys; sys.stderr.write('boom: no display\\n'); sys.exit(4)").wait(5)
    assert result is not None
    assert (result.outcome, result.reason, result.occurrence) == \
        (Outcome.IGNORED, Reason.CRASHED, 7)
    assert "status 4" in (result.detail or "") and "boom: no display" in (result.detail or "")


def test_a_hung_child_is_killed_at_the_deadline() -> None:
    proc = _child("import time; time.sleep(60)", deadline=0.5)
    assert proc.poll() is None  # poll never blocks while the child runs
    result = proc.wait()
    assert result is not None
    assert (result.outcome, result.reason) == (Outcome.IGNORED, Reason.CRASHED)
    assert "deadline" in (result.detail or "")
    assert result.elapsed_s >= 0.5
    assert proc._proc.poll() is not None  # really gone


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_child_killed_from_outside_is_ignored_crashed() -> None:
    proc = _child("import time; print('started', flush=True); time.sleep(60)")
    assert proc.wait(0.3) is None
    os.kill(proc.pid, signal.SIGKILL)
    result = proc.wait(5)
    assert result is not None
    assert (result.outcome, result.reason) == (Outcome.IGNORED, Reason.CRASHED)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_child_asked_to_stop_from_outside_is_ignored_stopped(sig: str, tmp_path: Path) -> None:
    # The session ending (SIGTERM to every process of it) or a terminal's Ctrl-C reaches the
    # window and the tray at once: whichever the tray hears of first, the row says "stopped".
    # The signal goes once the child runs its code: a SIGINT that lands while the interpreter
    # is still starting is lost, or ends it with status 1 (seen 1 and 146 in 300 under load).
    # The child takes Python's own SIGINT handler, as every window of the tray starts with one:
    # the tray handles SIGINT itself, so exec gives its children the default. This test's own
    # process may run with SIGINT ignored (started in the background by a shell without job
    # control), which a child would inherit, and Python keeps an inherited "ignore"; the same
    # for SIGHUP under `nohup` (seen failing the SIGHUP case under `nohup pytest`), so the child
    # also takes the default action for SIGHUP and SIGTERM.
    started = tmp_path / "started"
    proc = _child("import pathlib, signal, time; "
                  "signal.signal(signal.SIGINT, signal.default_int_handler); "
                  "signal.signal(signal.SIGHUP, signal.SIG_DFL); "
                  "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
                  f"pathlib.Path({str(started)!r}).touch(); time.sleep(60)")
    deadline = time.monotonic() + 10
    while not started.exists() and time.monotonic() < deadline:
        assert proc.wait(0.02) is None
    assert started.exists(), "the child never started"
    os.kill(proc.pid, getattr(signal, sig))
    result = proc.wait(5)
    assert result is not None
    assert (result.outcome, result.reason, result.occurrence) == \
        (Outcome.IGNORED, Reason.STOPPED, 7)


def test_a_child_interrupted_by_ctrl_c_is_ignored_stopped() -> None:
    result = _child("import sys; sys.stderr.write('traybreak: interrupted\\n'); sys.exit(130)")\
        .wait(5)
    assert result is not None
    assert (result.outcome, result.reason) == (Outcome.IGNORED, Reason.STOPPED)


def test_kill_by_the_tray_is_ignored_with_the_given_reason() -> None:
    proc = _child("import time; time.sleep(60)")
    result = proc.kill(Reason.SUPERSEDED, "a newer prompt")
    assert (result.outcome, result.reason, result.detail) == \
        (Outcome.IGNORED, Reason.SUPERSEDED, "a newer prompt")
    assert proc.kill() is result  # idempotent


def test_closing_a_window_is_logged_at_info_and_a_hang_as_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="traybreak.app.child_windows")
    _child("import time; time.sleep(60)").kill(Reason.STOPPED, "closed by the tray: paused")
    _child("import time; time.sleep(60)", deadline=0.3).wait()
    levels = [(r.levelname, r.getMessage().split(": ", 1)[1]) for r in caplog.records
              if "closed" in r.getMessage()]
    assert levels == [("INFO", "closed by the tray: paused"),
                      ("WARNING", "no answer before the deadline; killed")]


def test_watch_calls_back_on_its_thread() -> None:
    got: list[PromptResult] = []
    done = threading.Event()

    def callback(result: PromptResult) -> None:
        got.append(result)
        done.set()

    proc = _child('print(\'{"outcome": "skipped", "elapsed_s": 1}\')')
    proc.watch(callback)
    assert done.wait(5)
    assert got[0].outcome is Outcome.SKIPPED


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY decides only on X11")
def test_launch_prompt_runs_this_interpreter_with_the_request() -> None:
    req = PromptRequest(exercise_id="chin_tuck", occurrence=3)
    assert window_argv("prompt", ["x"]) == [sys.executable, "-P", "-m", "traybreak", "prompt",
                                            "x"]
    # No display: the child must fail cleanly and the tray side report it, not hang.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = launch_prompt(req, env=env).wait(30)
    assert result is not None
    assert (result.outcome, result.reason, result.occurrence) == \
        (Outcome.IGNORED, Reason.CRASHED, 3)
    assert "no graphical session" in (result.detail or "")


def test_a_window_runs_the_installed_package_whatever_the_working_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The README starts the tray from the source checkout: its windows must not import the
    checkout's traybreak/ (no traybreak.icons there) in place of the installed package."""
    import subprocess

    shadow = tmp_path / "traybreak"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("")
    (shadow / "__main__.py").write_text("print('the working directory\'s traybreak')\n")
    done = subprocess.run(window_argv("about", ["--help"]), cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "usage: traybreak about" in done.stdout


def test_the_tray_side_never_loads_tkinter() -> None:
    import subprocess

    code = ("import sys, traybreak.app.child_windows, traybreak.cli; traybreak.cli.build_parser(); "
            "print('tkinter' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the tray's launcher: the menu window ------------------------------------------------------

MENU = build_menu(MenuFacts(paused=False))
HANGS = "import time; time.sleep(60)"


def _launcher(scripts: dict[str, str], panel_deadline: float = 10.0) -> ChildLauncher:
    """A launcher whose windows are ``python -c scripts[command]`` (no display needed)."""
    return ChildLauncher(lambda command, _args: [sys.executable, "-c", scripts[command]],
                         panel_deadline)


def test_a_menu_window_that_never_closes_is_killed_with_one_short_line(
        caplog: pytest.LogCaptureFixture) -> None:
    launcher = _launcher({"panel": HANGS}, panel_deadline=1.0)
    with caplog.at_level(logging.WARNING):
        assert launcher.panel(MENU, "Stretch in 3 min · 5 done today") is None
    # (it used to log the whole command line: the menu as JSON, ~1,500 characters)
    assert [r.getMessage() for r in caplog.records] == ["menu window still open after 1 s; killed"]


def test_the_menu_window_gives_the_command_chosen() -> None:
    chose = "print('{\"command\": \"pause 1h\", \"via\": \"click\"}')"
    assert _launcher({"panel": chose}).panel(MENU, "") == "pause 1h"


def test_a_prompt_closes_the_open_menu_window(tmp_path: Path) -> None:
    started = tmp_path / "panel-started"
    launcher = _launcher({"panel": f"open({str(started)!r}, 'w').close(); {HANGS}",
                          "prompt": "print('{\"outcome\": \"done\", \"elapsed_s\": 1}')"})
    chosen: list[str | None] = []
    menu = threading.Thread(target=lambda: chosen.append(launcher.panel(MENU, "")))
    menu.start()
    deadline = time.monotonic() + 10
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    prompt = launcher.prompt(PromptRequest(message="Water"), None)
    menu.join(timeout=5)
    assert not menu.is_alive() and chosen == [None]    # closed at once, no choice
    assert prompt.wait(timeout=5) is not None


def test_the_notice_window_is_started_with_its_text_and_the_icon_window(tmp_path: Path) -> None:
    """#17 point 4: the toast gets the text after "--" (a text may start with "-"), how long
    it stays and the tray icon's X window to open beside."""
    seen: list[tuple[str, list[str]]] = []
    done = tmp_path / "done"

    def argv(command: str, args: Sequence[str]) -> list[str]:
        seen.append((command, list(args)))
        return [sys.executable, "-c", f"open({str(done)!r}, 'w').close()"]

    ChildLauncher(argv).notice("-A stretch break in 5 s", timedelta(seconds=5), 0x2400003)
    assert seen == [("notice", ["--for", "5s", "--near-window", "0x2400003", "--",
                                "-A stretch break in 5 s"])]
    deadline = time.monotonic() + 10
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert done.exists()


def test_a_notice_window_that_hangs_is_killed_and_one_that_fails_says_why(
        caplog: pytest.LogCaptureFixture) -> None:
    scripts = {"hangs": HANGS, "fails": "import sys; sys.exit('no display here')"}
    with caplog.at_level(logging.WARNING, "traybreak.app.child_windows"):
        for script in scripts.values():
            launcher = ChildLauncher(lambda _c, _a, script=script: [sys.executable, "-c", script],
                                     notice_grace=timedelta(seconds=1))
            launcher.notice("text", timedelta(seconds=1), None)
        for thread in [t for t in threading.enumerate() if t.name.startswith("notice-")]:
            thread.join(10)
    failed, hung = sorted((r.getMessage() for r in caplog.records), key=lambda m: "killed" in m)
    assert failed == "notice window failed (exit status 1): no display here"
    assert re.fullmatch(r"notice window \d+ still open after 2 s; killed", hung)


def test_a_prompt_closes_the_notice_window(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    """The toast announced the break; once the prompt is up it has nothing left to say."""
    started = tmp_path / "notice-started"
    launcher = _launcher({"notice": f"open({str(started)!r}, 'w').close(); {HANGS}",
                          "prompt": "print('{\"outcome\": \"done\", \"elapsed_s\": 1}')"})
    with caplog.at_level(logging.WARNING, "traybreak.app.child_windows"):
        launcher.notice("A stretch break in 8 s", timedelta(seconds=8), None)
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        began = time.monotonic()
        prompt = launcher.prompt(PromptRequest(message="Water"), None)
        for reaper in [t for t in threading.enumerate() if t.name.startswith("notice-")]:
            reaper.join(5)
    assert time.monotonic() - began < 5   # ended at once, not after its 8 s and the grace
    assert caplog.records == []     # closed on purpose: no failure logged
    assert prompt.wait(timeout=5) is not None


# --- the lifeline (#18 point 7) -----------------------------------------------------------------

#: A stand-in window: says it has a lifeline, then waits for the end of its stdin.
_WAITS_FOR_ITS_TRAY = (
    "import os, sys; print(os.environ.get('TRAYBREAK_LIFELINE'), os.getpid(), flush=True); "
    "sys.stdin.buffer.read(); sys.exit(0)"
)
#: A stand-in tray: starts a prompt window, a window of its own (as for history) and a notice
#: toast, then waits
#: to be killed. The windows' pids go to the file named in argv[1], one line each.
_TRAY = f"""
import sys, time
from datetime import timedelta
from traybreak.app.child_windows import ChildLauncher, WindowProcess
script = {_WAITS_FOR_ITS_TRAY!r}
prompt = WindowProcess([sys.executable, "-c", script], 60.0)
stand_in = lambda command, args: [sys.executable, "-c", script]
launcher = ChildLauncher(argv=stand_in)
launcher.window("history")
launcher.notice("A break in 1 min", timedelta(minutes=1), None)
print("started", flush=True)
time.sleep(60)
"""


def test_windows_end_when_their_tray_is_killed(tmp_path: Path) -> None:
    """kill -9 of the process that started the windows (the notice toast too, #17 point 4):
    each reads the end of its stdin at once
    (no other child holds the tray's end of its pipe open)."""
    import subprocess

    tray = subprocess.Popen([sys.executable, "-c", _TRAY], stdout=subprocess.PIPE, text=True)
    assert tray.stdout is not None
    try:
        assert tray.stdout.readline().strip() == "started"
        windows = children_of(tray.pid)
        assert len(windows) == 3   # the prompt, the history window, the notice toast
        time.sleep(0.3)
        assert all(map(running, windows)), "the windows did not wait for their tray"
        os.kill(tray.pid, signal.SIGKILL)
        tray.wait(5)
        end = time.monotonic() + 2.0
        while any(map(running, windows)) and time.monotonic() < end:
            time.sleep(0.02)
        assert not [pid for pid in windows if running(pid)], "a window outlived its tray"
    finally:
        if tray.poll() is None:
            tray.kill()
            tray.wait()


def test_a_window_is_told_its_stdin_is_a_lifeline(tmp_path: Path) -> None:
    said = tmp_path / "said"
    child = _child(f"import os, stat; open({str(said)!r}, 'w').write("
                   "f\"{os.environ.get('TRAYBREAK_LIFELINE')} "
                   "{stat.S_ISFIFO(os.fstat(0).st_mode)}\"); " + _WAITS_FOR_ITS_TRAY)
    end = time.monotonic() + 5.0
    while not said.exists() and time.monotonic() < end:
        time.sleep(0.02)
    assert said.read_text() == "1 True"
    time.sleep(0.2)
    assert child.poll() is None  # waiting on the tray's end of the pipe
    child.kill()


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(word) for word in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_window_that_ended_well_has_its_warnings_in_the_trays_log_once(
        caplog: pytest.LogCaptureFixture) -> None:
    """The chime that cannot play warns in the prompt's process; the tray's log says it, once
    however many prompts warn the same, and leaves the child's other chatter out."""
    code = ("import sys; sys.stderr.write('traybreak: WARNING: traybreak.platform.sound: the "
            "chime could not play: pw-play could not play it (exit 1)\\nTk chatter\\n'); "
            "print('{\"outcome\": \"done\", \"elapsed_s\": 1.0}')")
    with caplog.at_level(logging.WARNING, "traybreak.app"):   # (its module may move)
        for _ in range(2):
            result = _child(code).wait(5)
            assert result is not None and result.outcome is Outcome.DONE
    [record] = caplog.records
    assert record.getMessage().endswith(
        ": the chime could not play: pw-play could not play it (exit 1)")


def test_a_window_the_tray_closed_has_its_warnings_in_the_trays_log(
        caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    said = tmp_path / "said"
    code = ("import sys, time; sys.stderr.write('traybreak: WARNING: traybreak.platform.sound: "
            "the chime could not play: paplay could not play it (exit 1)\\n'); "
            f"sys.stderr.flush(); open({str(said)!r}, 'w').close(); time.sleep(60)")
    proc = _child(code)
    with caplog.at_level(logging.WARNING, "traybreak.app"):   # (its module may move)
        deadline = time.monotonic() + 10
        while not said.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.kill(Reason.TIMEOUT, "timeout").outcome is Outcome.IGNORED
    assert [r.getMessage().split(": ", 1)[1] for r in caplog.records] == [
        "traybreak.platform.sound: the chime could not play: paplay could not play it (exit 1)"]
