"""Bench: the whole tray app over many prompts at the shortest intervals, on simulated time.

Run: python bench/soak.py [--prompts 10000] [--every 500] [--warm-up 1000] [--in DIR]
                         [--real-windows]

The real App (engine thread, action sink, log writer, SQLite log, tray facts and menu, control
socket) with fake windows that answer on a simulated clock (tests/soak_sim.py, which
tests/app/test_soak.py runs too): a stretch every 20 s of work, a strengthener every 50 s, a
relax every 2 min; 70 % of prompts done, the rest skipped, snoozed or left to time out. Every
``--every`` prompts it prints the simulated time, the process's RSS, open fds and threads, and
the CPU per prompt since the line before. The log lives under /dev/shm (no fsync cost) unless
``--in`` names a folder (a real disk: the CPU figures then include the writes' system time).
With ``--real-windows`` each prompt is a real child process that answers at once (the tray's
WindowProcess: its pipes, files and watch thread; the simulated clock waits for it), always
done, skipped or snoozed; the CPU figures are then the tray's side of starting windows.

Budgets (issue 18 point 10), from the warm-up on: RSS growth <= 1 MB, fds and threads flat,
CPU per prompt of the last ``--every`` prompts <= 1.5 times that of the first after the
warm-up. Exit status 1 if one is missed. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from soak_sim import per_prompt_ms, soak, soak_home  # noqa: E402

RSS_GROWTH_KB = 1024
CPU_RATIO = 1.5


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print the figures; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=10_000, help="prompts in all")
    parser.add_argument("--every", type=int, default=500, help="prompts between lines")
    parser.add_argument("--warm-up", type=int, default=1000,
                        help="prompts before the budgets apply (a multiple of --every)")
    parser.add_argument("--real-windows", action="store_true",
                        help="each prompt a real child process (tens of ms each)")
    parser.add_argument("--in", dest="where", type=Path, default=None,
                        help="folder for the run's log and config (default: /dev/shm)")
    args = parser.parse_args(argv)
    if args.warm_up % args.every or args.prompts % args.every or args.prompts <= args.warm_up:
        parser.error("--prompts and --warm-up must be multiples of --every, warm-up first")

    started = time.perf_counter()
    with soak_home(args.where) as (home, runtime):
        _, samples = soak(home, runtime, args.prompts, args.every, timeout_s=3600,
                          real_windows=args.real_windows)
    took = time.perf_counter() - started
    simulated = timedelta(seconds=round((samples[-1].at - samples[0].at).total_seconds()))
    print(f"{samples[-1].prompts} prompts in {took:.1f} s ({simulated} simulated)")
    print(f"{'prompts':>8} {'simulated':>15} {'RSS MB':>7} {'fds':>4} {'threads':>7} "
          f"{'CPU ms/prompt':>13}")
    before = None
    for sample in samples:
        cost = "" if before is None else \
            f"{(sample.cpu_s - before.cpu_s) * 1000 / (sample.prompts - before.prompts):.2f}"
        print(f"{sample.prompts:>8} {sample.at:%a %H:%M:%S}".ljust(24)
              + f" {sample.rss_kb / 1024:>7.2f} {sample.fds:>4} {sample.threads:>7} {cost:>13}")
        before = sample

    if samples[-1].prompts < args.prompts:
        print(f"stopped after {samples[-1].prompts} prompts (an hour of real time)")
        return 1
    after = [s for s in samples if s.prompts >= args.warm_up]
    warm, last = after[0], after[-1]
    growth = last.rss_kb - warm.rss_kb
    first_ms = per_prompt_ms(samples, args.warm_up, args.warm_up + args.every)
    last_ms = per_prompt_ms(samples, args.prompts - args.every, args.prompts)
    verdicts = [
        (f"RSS growth after the warm-up {growth} KB (budget {RSS_GROWTH_KB} KB)",
         growth <= RSS_GROWTH_KB),
        (f"fds {sorted({s.fds for s in after})}, threads {sorted({s.threads for s in after})} "
         "after the warm-up (budget: one value each)",
         len({s.fds for s in after}) == 1 and len({s.threads for s in after}) == 1),
        (f"CPU per prompt {first_ms:.2f} ms after the warm-up, {last_ms:.2f} ms at the end: "
         f"x{last_ms / first_ms:.2f} (budget x{CPU_RATIO})", last_ms <= CPU_RATIO * first_ms),
    ]
    print()
    for text, ok in verdicts:
        print(("OK    " if ok else "OVER  ") + text)
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
