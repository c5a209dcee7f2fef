"""Bench: how evenly the rotation spreads the prompts over the built-in exercises.

Run: python bench/rotation_variety.py [--days 20] [--runs 20] [--seed 0]

Plays ``--days`` working days at the default schedule (default config: a stretch every 25 min
of work, a strengthener every 55 min, relax at 15:30) through the real engine and the real
rotation with explicit time, on the built-in catalogue (tests/rotation_sim.py: at the desk
09:00-12:30 and 13:15-17:30, every prompt done). Repeats it ``--runs`` times with the seeds
``--seed``, ``--seed + 1``, ... and prints, per kind, how often each exercise the default
config allows (seated and standing, with the usual props: not the two moves on a step) was shown
in one run on average, then that kind's min/mean/max over its exercises.

Target (issue 16): every exercise of a kind shown at least once in 20 days, none more than
3 times its kind's mean. Exit status 1 if a run misses it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from rotation_sim import counts_by_kind, simulate  # noqa: E402

from traybreak.catalog.load import load_builtin  # noqa: E402
from traybreak.core.model import Kind  # noqa: E402

SPREAD = 3.0   # no exercise above this many times its kind's mean


def within_target(counts: Counter[str]) -> bool:
    """Every exercise shown at least once, none above SPREAD times the mean."""
    mean = sum(counts.values()) / len(counts)
    return min(counts.values()) >= 1 and max(counts.values()) <= SPREAD * mean


def main(argv: list[str] | None = None) -> int:
    """Run the simulations and print the table; 1 when some run misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20, help="working days per run")
    parser.add_argument("--runs", type=int, default=20, help="runs, one seed each")
    parser.add_argument("--seed", type=int, default=0, help="the first run's seed")
    args = parser.parse_args(argv)

    catalogue = load_builtin()
    totals: dict[Kind, Counter[str]] = {kind: Counter() for kind in Kind}
    missed = 0
    for run in range(args.runs):
        counts = counts_by_kind(simulate(catalogue, args.days, args.seed + run), catalogue)
        for kind, per_exercise in counts.items():
            totals[kind].update(per_exercise)
            if not within_target(per_exercise):
                missed += 1
                print(f"seed {args.seed + run}: {kind} misses the target", file=sys.stderr)

    print(f"{args.runs} runs of {args.days} working days: times shown per run, on average")
    for kind in Kind:
        average = {ident: n / args.runs for ident, n in totals[kind].items()}
        print(f"\n{kind} ({len(average)} exercises)")
        for ident, n in sorted(average.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {ident:<28} {n:6.1f}")
        values = list(average.values())
        print(f"  {'min / mean / max':<28} {min(values):.1f} / "
              f"{sum(values) / len(values):.1f} / {max(values):.1f}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
