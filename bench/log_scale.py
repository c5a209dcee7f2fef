"""Bench: a year of log (50,000 prompts) through `traybreak log`, `export`, `history` and the
tray's start.

Run: python bench/log_scale.py [--rows 50000] [--runs 3] [--tray-runs 5] [--no-tray]
                               [--keep DIR]

Writes a log of ``--rows`` prompts over the last 365 days (working hours, every outcome and
reason, the built-in exercises, a few hundred app events) into an isolated XDG_DATA_HOME, then
runs each command as a user would (the real `traybreak` of this interpreter, output to
/dev/null) ``--runs`` times and prints the median wall time and the largest peak RSS (the
child's own ru_maxrss). The history's data load (reading the log and building what the window
shows, without drawing) is timed inside one process as the window's process does it. With trayer
and Xvfb installed, the tray's start to its icon docked is timed with the year of log and with an
empty one (bench/tray_start.py's Starter).

Budgets (issue 18 point 11): `log` and `export` peak RSS <= 40 MB, `export` of 50k rows <= 0.4 s,
history data <= 150 ms, tray start as with an empty log. Exit status 1 if one is over.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from tray_start import launcher  # noqa: E402 - bench/ is on the path only from here

PEAK_BUDGET_MB = 40.0
EXPORT_BUDGET_S = 0.4
HISTORY_BUDGET_MS = 150.0
DAYS = 365
EVENTS_PER_DAY = 2

# Outcome, reason and weight: most prompts are done, then ignored, skipped, natural, ...
ENDINGS = (
    ("done", None, 50), ("skipped", "user", 10), ("snoozed", "user", 4),
    ("ignored", "timeout", 14), ("natural", "idle", 10), ("suppressed", "paused", 4),
    ("suppressed", "off_hours", 3), ("suppressed", "fullscreen", 3), ("suppressed", "idle", 2),
)
RULES = (("stretch", "stretch"), ("strengthen", "strengthen"), ("relax", "relax"),
         ("water", None), ("eyes", None))

HISTORY_PROBE = """
import statistics, sys, time
from datetime import datetime
from traybreak.catalog.load import load_catalog
from traybreak.cli.small_window_cmd import load_records
from traybreak.ui.history.data import build_history
times, cpus = [], []
for _ in range(int(sys.argv[1])):
    started, cpu = time.perf_counter(), time.process_time()
    now = datetime.now().astimezone()
    records, has_log = load_records(7, now)
    build_history(records, list(load_catalog()), now.date(), now.tzinfo, has_log=has_log)
    times.append((time.perf_counter() - started) * 1000)
    cpus.append((time.process_time() - cpu) * 1000)
print(statistics.median(times), min(times), statistics.median(cpus), len(records))
"""

# What the tray does with the log as it starts (app/tray_app.py): open it (checked, migrated),
# read today's prompts, close rows a crash left open.
TRAY_LOG_PROBE = """
import statistics, sys, time
from datetime import datetime
from traybreak import paths
from traybreak.store.prompt_log import Store
times, cpus = [], []
for _ in range(int(sys.argv[1])):
    started, cpu = time.perf_counter(), time.process_time()
    now = datetime.now().astimezone()
    with Store.open(paths.log_db()) as store:
        today = store.prompts(since=now.replace(hour=0, minute=0, second=0, microsecond=0))
        store.close_dangling(now)
    times.append((time.perf_counter() - started) * 1000)
    cpus.append((time.process_time() - cpu) * 1000)
print(statistics.median(times), min(times), statistics.median(cpus), len(today))
"""


#: Feedback after Done, mostly none.
FEEDBACK = (None,) * 16 + ("too_easy", "too_easy", "too_hard", "hurts")


def write_log(path: Path, rows: int, seed: int = 18) -> None:
    """A log of ``rows`` prompts, evenly over the last DAYS days up to now, and two events a
    day."""
    from traybreak.catalog.load import load_builtin
    from traybreak.store.prompt_log import Store
    from traybreak.store.schema import PROMPT_COLUMNS

    Store.open(path).close()  # the schema, as the tray makes it
    rng = random.Random(seed)
    by_kind: dict[str, list[str]] = {}
    for exercise in load_builtin():
        by_kind.setdefault(exercise.kind.value, []).append(exercise.id)
    endings, weights = [e[:2] for e in ENDINGS], [e[2] for e in ENDINGS]
    now = datetime.now(UTC).replace(microsecond=0)
    first = now - timedelta(days=DAYS)
    step = DAYS * 86400 // rows  # seconds between prompts: evenly over the year, up to now
    prompts, events = [], []
    for n in range(rows):
        due = now - timedelta(seconds=(rows - n) * step - rng.randrange(step))
        rule, kind = rng.choice(RULES)
        outcome, reason = rng.choices(endings, weights)[0]
        shown = outcome not in ("natural", "suppressed")
        exercise = rng.choice(by_kind[kind]) if kind else None
        ended = due + timedelta(seconds=rng.randrange(20, 120))
        prompts.append((
            n + 1, rule, kind, exercise, due.isoformat(timespec="microseconds"),
            due.isoformat(timespec="microseconds") if shown else None,
            ended.isoformat(timespec="microseconds"), outcome, reason,
            rng.choice((0, 0, 0, 1, 2)) if outcome != "suppressed" else 0,
            "said later, then: ünïcode" if rng.random() < 0.02 else None,
            # What a user says after Done now and then, and the level each exercise was shown at
            # (log schema 2): the history's Progress list reads both.
            rng.choice(FEEDBACK) if outcome == "done" and exercise else None,
            rng.choice((1, 1, 2)) if exercise else None,
        ))
    for day in range(DAYS):
        start = first + timedelta(days=day, hours=7, minutes=55)
        events.append((start.isoformat(timespec="microseconds"), "start", "version 0.1"))
        events.append(((start + timedelta(hours=10)).isoformat(timespec="microseconds"),
                       "stop", "quit from the menu"))
    prompts.sort(key=lambda row: row[4])
    conn = sqlite3.connect(path)
    try:
        with conn:
            marks = ", ".join("?" * len(PROMPT_COLUMNS))
            conn.executemany(f"INSERT INTO prompts ({', '.join(PROMPT_COLUMNS)}) "
                             f"VALUES ({marks})", prompts)
            conn.executemany("INSERT INTO events (at, event, detail) VALUES (?, ?, ?)", events)
    finally:
        conn.close()


@dataclass(frozen=True)
class Figure:
    """A command's median and least wall time (s), median CPU time (s: less moved by the load
    of other work on the machine) and largest peak RSS (MB) over the runs."""

    seconds: float
    least: float
    cpu: float
    peak_mb: float


# Runs the command and reports its wall time and peak RSS. The child's ru_maxrss counts the
# process it was forked from (Linux keeps the high-water mark across exec), so the command is
# forked from this small interpreter, not from the bench (tens of MB after writing the log).
RUNNER = """
import os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    report.write(f"{os.waitstatus_to_exitcode(status)} {elapsed} {usage.ru_maxrss} "
                 f"{usage.ru_utime + usage.ru_stime}")
"""


def run_timed(argv: list[str], env: dict[str, str], runs: int, report: Path) -> Figure:
    """Run ``argv`` ``runs`` times (after one warm-up run) with stdout to /dev/null."""
    times, cpus, peaks = [], [], []
    for run in range(runs + 1):
        done = subprocess.run([sys.executable, "-c", RUNNER, str(report), *argv], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        status, elapsed, peak_kb, cpu = report.read_text().split()
        if int(status) or done.returncode:
            raise SystemExit(f"{' '.join(argv)} failed ({status}): "
                             f"{done.stderr.decode(errors='replace').strip()}")
        if run:  # the first run warms the caches
            times.append(float(elapsed))
            cpus.append(float(cpu))
            peaks.append(int(peak_kb) / 1024)
    return Figure(statistics.median(times), min(times), statistics.median(cpus), max(peaks))


def probe_ms(probe: str, env: dict[str, str], runs: int) -> tuple[float, float, float, int]:
    """(median ms, min ms, median CPU ms, records read) of ``probe`` run ``runs`` times in one
    process."""
    # Run from elsewhere: `python -c` puts the working directory first on sys.path, and a
    # checkout's own traybreak/ there would win over the one the environment says.
    done = subprocess.run([sys.executable, "-c", probe, str(runs)], env=env, cwd=HERE.anchor,
                          capture_output=True, text=True, check=True)
    median, least, cpu, records = done.stdout.split()
    return float(median), float(least), float(cpu), int(records)


def tray_starts(log: Path | None, runs: int) -> list[float]:
    """ms from `traybreak` to its icon docked, ``runs`` warm starts, with ``log`` (or none)."""
    from tray_start import Desktop, Starter

    with Desktop(tray=True) as desk, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        if log is not None:
            (home / "data" / "traybreak").mkdir(parents=True)
            shutil.copy(log, home / "data" / "traybreak" / "log.sqlite3")
        starter = Starter(desk, home)
        starter.start([launcher()])  # cold: discarded
        times = [starter.start([launcher()]).docked_ms for _ in range(runs)]
        starter.watcher.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="prompts in the log")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command")
    parser.add_argument("--tray-runs", type=int, default=5, help="warm tray starts each way")
    parser.add_argument("--no-tray", action="store_true", help="skip the tray start")
    parser.add_argument("--keep", metavar="DIR", help="write the home here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(args.keep or tmp)
        data = home / "data"
        log = data / "traybreak" / "log.sqlite3"
        log.unlink(missing_ok=True)
        started = time.monotonic()
        write_log(log, args.rows)
        print(f"log: {args.rows} prompts over {DAYS} days, {log.stat().st_size / 2**20:.1f} MB, "
              f"written in {time.monotonic() - started:.1f} s; {os.cpu_count()} CPUs, load "
              f"average {os.getloadavg()[0]:.2f}")
        env = {**os.environ, "XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_STATE_HOME": str(home / "state"), "TZ": os.environ.get("TZ", "UTC")}
        env.pop("TRAYBREAK_CONFIG", None)
        over = False
        head = f"command (of {args.runs} runs)"
        print(f"\n  {head:40s} {'median s':>9s} {'min s':>6s} {'CPU s':>6s} {'peak MB':>8s}")
        commands = {
            "traybreak log": ["log"],
            "traybreak log --all": ["log", "--all"],
            "traybreak log --json": ["log", "--json"],
            "traybreak export (CSV)": ["export"],
            "traybreak export --format json": ["export", "--format", "json"],
            "traybreak export -o FILE --force": ["export", "-o", str(home / "out.csv"), "--force"],
            "traybreak history": ["history"],
            "traybreak --version (the floor)": ["--version"],
        }
        for label, command in commands.items():
            figure = run_timed([launcher(), *command], env, args.runs, home / "report")
            flags = []
            streams = label.startswith(("traybreak log", "traybreak export"))
            if streams and figure.peak_mb > PEAK_BUDGET_MB:
                flags.append(f"OVER {PEAK_BUDGET_MB:.0f} MB")
            if label.startswith("traybreak export") and figure.seconds > EXPORT_BUDGET_S:
                flags.append(f"OVER {EXPORT_BUDGET_S} s")
            over |= bool(flags)
            print(f"  {label:40s} {figure.seconds:9.3f} {figure.least:6.3f} {figure.cpu:6.3f} "
                  f"{figure.peak_mb:8.1f}  " + " ".join(flags))
        median, least, cpu, records = probe_ms(HISTORY_PROBE, env, max(5, args.runs))
        verdict = "OK" if median <= HISTORY_BUDGET_MS else f"OVER {HISTORY_BUDGET_MS:.0f} ms"
        over |= median > HISTORY_BUDGET_MS
        print(f"\nhistory data (read the log, build the 7-day view; {records} records read): "
              f"median {median:.0f} ms, min {least:.0f} ms, CPU {cpu:.0f} ms → {verdict}")
        median, least, cpu, records = probe_ms(TRAY_LOG_PROBE, env, max(5, args.runs))
        print(f"the tray's start with the log (open and check it, today's {records} prompts, "
              f"close dangling rows): median {median:.0f} ms, min {least:.0f} ms, CPU "
              f"{cpu:.0f} ms")
        if not args.no_tray:
            from e2e.xdesktop import missing_tools

            if missing_tools(tray=True):
                print("\ntray start: skipped (needs Xvfb and trayer)")
            else:
                for label, source in (("empty log", None), (f"{args.rows}-prompt log", log)):
                    times = tray_starts(source, args.tray_runs)
                    print(f"tray start to icon docked, {label}: median "
                          f"{statistics.median(times):.0f} ms (min {min(times):.0f}, max "
                          f"{max(times):.0f}; {args.tray_runs} warm starts)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
